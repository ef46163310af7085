#include "os/pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "util/error.h"

namespace ftbench::os {

Pipe Pipe::create() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw UserError(std::string("cannot create a pipe: ") + std::strerror(errno) +
                    " (too many open files? check `ulimit -n`)");
  return Pipe{FileDescriptor(fds[0]), FileDescriptor(fds[1])};
}

}  // namespace ftbench::os
