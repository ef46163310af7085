#pragma once

#include "perf/file_descriptor.h"

namespace ftbench::util {

// Every descriptor the orchestrator owns lives in the one RAII owner the project has.
using UniqueFd = perf::FileDescriptor;

// A pipe as two owned ends, both O_CLOEXEC (the spawner maps the child's ends explicitly).
struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
  static Pipe create();
};

}  // namespace ftbench::util
