#include "os/fd.h"

#include <unistd.h>

namespace ftbench::os {

void FileDescriptor::reset(int fd) noexcept {
  if (fd_ >= 0 && fd_ != fd) {
    // close() must not be retried on EINTR on Linux: the descriptor is already released.
    ::close(fd_);
  }
  fd_ = fd;
}

}  // namespace ftbench::os
