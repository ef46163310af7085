#pragma once

#include <filesystem>
#include <vector>

#include "config/config.h"
#include "discovery/discovery.h"
#include "plan/plan.h"

namespace ftbench::plan {

// Matches each interpreter spec of the config to a real interpreter (discovered, or an
// explicit path that is probed). A required spec with no match is a UserError naming the spec
// and its config position; an optional one is dropped with a warning.
std::vector<ResolvedInterpreter> resolve_interpreters(const config::RunConfig& config,
                                                      const discovery::DiscoveryResult& found);

// The suite as the harness lists it, asked of one interpreter.
std::vector<Benchmark> load_catalog(const discovery::InterpreterFacts& python,
                                    const std::filesystem::path& workloads_dir);

// Applies include/exclude globs and tags; a pattern that selects nothing is an error (typo).
std::vector<Benchmark> select_benchmarks(const std::vector<Benchmark>& catalog,
                                         const config::BenchmarkSelection& selection);

// "ncpu" becomes the number of CPUs this process may run on; duplicates removed, order kept.
std::vector<int> resolve_threads(const std::vector<config::ThreadSetting>& settings, int usable_cpus);

// The environment every child gets: a small allow-list of the caller's variables (locale,
// PATH, HOME, TMPDIR) plus the harness location and bytecode cache (run/bytecode.h), then the
// interpreter's own variables. Everything else, PYTHON_GIL and PYTHONPATH included, is not
// inherited. Children never write bytecode.
std::map<std::string, std::string> child_environment(const std::map<std::string, std::string>& interpreter_env,
                                                     const std::filesystem::path& workloads_dir,
                                                     const std::filesystem::path& pycache_prefix = {});

// Where the Python side lives: --workloads-dir, else $FTBENCH_WORKLOADS_DIR, else the source
// tree this binary was built from.
std::filesystem::path workloads_directory(const std::filesystem::path& override_dir = {});

}  // namespace ftbench::plan
