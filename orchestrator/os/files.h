#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "util/error.h"

namespace ftbench::os {

// A file of ours could not be written: the file system is full (ENOSPC), over quota (EDQUOT),
// read-only (EROFS), failing (EIO) or not writable by us. One line naming the path; nothing
// half-written is left behind, and a run that stops on it is completed by `--resume` once the
// cause is fixed. The program exits with its own status (commands::kExitStorage, README).
class StorageError : public UserError {
 public:
  static constexpr int kExitStatus = 8;
  StorageError(std::filesystem::path path, int error, const std::string& what)
      : UserError(what, kExitStatus), path_(std::move(path)), error_(error) {}
  const std::filesystem::path& path() const { return path_; }
  int error() const { return error_; }  // the errno
  // The same error with what to do appended ("...: free space and complete it with ...").
  StorageError with_advice(const std::string& advice) const { return StorageError(path_, error_, std::string(what()) + ": " + advice); }

 private:
  std::filesystem::path path_;
  int error_;
};

// "no space left on device writing PATH", "read-only file system: cannot write PATH", ...
[[noreturn]] void throw_storage_error(const std::filesystem::path& path, int error);

// The reason nothing more can be written under `dir` right now: EROFS when its file system is
// mounted read-only, ENOSPC when less than `min_free` bytes are left to us; nullopt otherwise
// (or when it cannot be asked).
std::optional<int> storage_problem(const std::filesystem::path& dir, uintmax_t min_free = 64 * 1024);

// Creates `dir` if needed and writes, fsyncs and removes a small probe file in it: a directory
// the run could not write is refused before anything starts. Throws StorageError.
void probe_writable(const std::filesystem::path& dir);

// Writes `content` to `path` so that readers see either the old file or the whole new one:
// write to a temporary in the same directory, fsync, rename over, fsync the directory.
// A crash at any moment never leaves a truncated file behind.
void write_file_atomically(const std::filesystem::path& path, std::string_view content);

// A process killed inside write_file_atomically (SIGKILL, OOM, power loss) leaves its
// temporary (".<name>.tmp.<pid>") behind. Removes those of processes that no longer run from
// `dir` (and the folders below it when `recursive`); a live writer's are kept. Returns how many.
size_t remove_stale_temporaries(const std::filesystem::path& dir, bool recursive);

// Whole file as a string; throws UserError naming the file when it cannot be read.
std::string read_file(const std::filesystem::path& path);

// The first line of a file without its trailing whitespace; nullopt when it cannot be read
// (sysfs and procfs values: "performance", "2-3").
std::optional<std::string> read_first_line(const std::filesystem::path& path);

// The last `max_bytes` of a file (starting at a line boundary when cut); "" when unreadable.
std::string tail_of_file(const std::filesystem::path& path, size_t max_bytes = 4096);

}  // namespace ftbench::os
