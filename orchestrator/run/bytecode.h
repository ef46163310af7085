#pragma once

#include <filesystem>

#include "plan/plan.h"

namespace ftbench::run {

// Every interpreter process imports the harness and workloads from .pyc files compiled
// before the run, never from source: on free-threaded builds how code was compiled changes
// what is measured (constants loaded from a .pyc are immortal; compiled on import, some are
// not), so a first process compiling from source would measure something else than the rest.
// One cache per interpreter binary under `root` (PYTHONPYCACHEPREFIX), outside the source
// tree; plan entries that differ only in environment (3.13t and 3.13t with PYTHON_GIL=1)
// share their binary's cache.
std::filesystem::path pycache_dir(const std::filesystem::path& root, const plan::Plan& plan, size_t interpreter_index);

// Compiles workloads_dir once per interpreter binary into its cache. Idempotent (resume calls
// it again). Throws UserError when an interpreter cannot.
void precompile_workloads(const plan::Plan& plan, const std::filesystem::path& workloads_dir,
                          const std::filesystem::path& root);

}  // namespace ftbench::run
