#include "perf/file_descriptor.h"

#include <unistd.h>

namespace ftbench::perf {

void FileDescriptor::reset(int fd) noexcept {
  if (fd_ >= 0 && fd_ != fd) {
    // close() must not be retried on EINTR on Linux: the descriptor is already released.
    ::close(fd_);
  }
  fd_ = fd;
}

}  // namespace ftbench::perf
