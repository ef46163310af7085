#pragma once

#include <filesystem>

#include "plan/plan.h"

namespace ftbench::run {

// Every interpreter process imports the harness and workloads from .pyc files compiled
// before the run, never from source: on free-threaded builds how code was compiled changes
// what is measured (constants loaded from a .pyc are immortal; compiled on import, some are
// not), so a first process compiling from source would measure something else than the rest.
// One cache per interpreter under `root` (PYTHONPYCACHEPREFIX), outside the source tree.
std::filesystem::path pycache_dir(const std::filesystem::path& root, size_t interpreter_index);

// Compiles workloads_dir with each plan interpreter (its own environment included) into its
// cache. Idempotent (resume calls it again). Throws UserError when an interpreter cannot.
void precompile_workloads(const plan::Plan& plan, const std::filesystem::path& workloads_dir,
                          const std::filesystem::path& root);

}  // namespace ftbench::run
