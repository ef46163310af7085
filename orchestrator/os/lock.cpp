#include "os/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "os/clock.h"
#include "util/error.h"

namespace ftbench::os {

std::optional<FileLock> FileLock::try_acquire(const std::filesystem::path& path, const std::string& who,
                                              std::string& holder) {
  FileDescriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd) throw UserError("cannot create the lock file " + path.string() + ": " + std::strerror(errno));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    char buf[512] = {};
    const ssize_t n = ::pread(fd.get(), buf, sizeof buf - 1, 0);
    holder = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "another process";
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == ' ')) holder.pop_back();
    return std::nullopt;
  }
  const std::string text = "pid " + std::to_string(::getpid()) + ", " + who + ", since " + utc_now_iso8601() + "\n";
  if (::ftruncate(fd.get(), 0) == 0 && ::pwrite(fd.get(), text.data(), text.size(), 0) < 0) {
    // The lock holds even if the note cannot be written.
  }
  return FileLock(std::move(fd), path);
}

FileLock::~FileLock() {
  if (fd_) {
    // Leave the file (removing it would race a waiting second instance); clear who held it.
    if (::ftruncate(fd_.get(), 0) != 0) {
    }
  }
}

}  // namespace ftbench::os
