#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/benchmark.h"

namespace ftbench::harness {

// The suite as the harness lists it (`python -m ftbench list --json`), asked of one
// interpreter, sorted by id. A workload that cannot be loaded is still listed, its summary
// saying why, so a run records its failure instead of silently skipping it.
std::vector<Benchmark> load_catalog(const std::filesystem::path& python, const std::filesystem::path& workloads_dir);

// The hash of a benchmark's code: for a suite workload its module and every private helper
// module (`_*.py`) in its folder and the folders above it up to the suite's root; for a
// script, the script. Empty when the files cannot be read.
std::string code_hash(const Benchmark& benchmark, const std::filesystem::path& workloads_dir);

// The argument vector that runs `benchmark` in channel mode (fds 3 and 4): never a shell.
std::vector<std::string> harness_command(const std::filesystem::path& python, const Benchmark& benchmark, int threads,
                                         const std::string& size);

}  // namespace ftbench::harness
