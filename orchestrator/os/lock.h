#pragma once
// A non-blocking exclusive lock on a file (flock), held for the life of the object: one
// nightly job per history, one orchestrator per run directory. The holder writes who it is
// into the lock file, so a second instance can name it in its one-line refusal. The kernel
// drops the lock when the holder dies, whatever way it dies: a stale lock cannot exist.

#include <filesystem>
#include <optional>
#include <string>

#include "os/fd.h"

namespace ftbench::os {

class FileLock {
 public:
  // The lock, or nullopt with `holder` set to what the holder wrote ("pid 123, orchestrate
  // nightly, since 2026-11-30T02:30:00Z"). Throws UserError when the lock file cannot be
  // created at all (read-only directory...).
  static std::optional<FileLock> try_acquire(const std::filesystem::path& path, const std::string& who,
                                             std::string& holder);
  FileLock(FileLock&&) noexcept = default;
  FileLock& operator=(FileLock&&) noexcept = default;
  ~FileLock();

 private:
  FileLock(FileDescriptor fd, std::filesystem::path path) : fd_(std::move(fd)), path_(std::move(path)) {}
  FileDescriptor fd_;
  std::filesystem::path path_;
};

}  // namespace ftbench::os
