#pragma once

#include "os/fd.h"

namespace ftbench::os {

// A pipe as two owned ends, both O_CLOEXEC (the spawner maps the child's ends explicitly).
struct Pipe {
  FileDescriptor read_end;
  FileDescriptor write_end;
  static Pipe create();  // throws UserError (with what to check) when the kernel refuses
};

}  // namespace ftbench::os
