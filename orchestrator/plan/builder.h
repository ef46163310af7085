#pragma once
// config -> plan: the config's interpreter specs matched to real interpreters, its benchmark
// selection applied to the suite's catalog, thread counts and counter events resolved, and
// the interleaved items drawn.

#include <optional>
#include <vector>

#include "config/config.h"
#include "discovery/discovery.h"
#include "harness/benchmark.h"
#include "plan/plan.h"

namespace ftbench::plan {

// Matches each interpreter spec of the config to a real interpreter (discovered, or an
// explicit path that is probed). A required spec with no match is a UserError naming the spec
// and its config position; an optional one is dropped with a warning.
std::vector<TestedInterpreter> resolve_interpreters(const config::RunConfig& config,
                                                    const discovery::DiscoveryResult& found);

// Applies include/exclude globs and tags; a pattern that selects nothing is an error (typo).
std::vector<harness::Benchmark> select_benchmarks(const std::vector<harness::Benchmark>& catalog,
                                                  const config::BenchmarkSelection& selection);

// "ncpu" becomes the number of CPUs this process may run on; duplicates removed, order kept.
std::vector<int> resolve_threads(const std::vector<config::ThreadSetting>& settings, int usable_cpus);

// The profile's events plus the config's own (an event in both takes the config's `required`).
std::vector<perf::EventRequest> resolve_events(const config::Counters& counters);

// The whole plan. `benchmarks` are already selected (or the one script); `seed` is the
// config's, else a random one. Each interpreter's binary is hashed (its identity over nights)
// and each benchmark's code (`workloads_dir`).
Plan make_plan(const config::RunConfig& config, std::vector<TestedInterpreter> interpreters,
               std::vector<harness::Benchmark> benchmarks, int usable_cpus,
               const std::filesystem::path& workloads_dir);

}  // namespace ftbench::plan
