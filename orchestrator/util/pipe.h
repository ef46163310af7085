#pragma once

#include "perf/file_descriptor.h"

namespace ftbench::util {

// A pipe as two owned ends, both O_CLOEXEC (the spawner maps the child's ends explicitly).
struct Pipe {
  perf::FileDescriptor read_end;
  perf::FileDescriptor write_end;
  static Pipe create();
};

}  // namespace ftbench::util
