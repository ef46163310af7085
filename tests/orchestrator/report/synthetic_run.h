#pragma once
// Runs built in code, for analysis and report tests and for the dashboard's browser test:
// a manifest (with a plan that matches the runs) and ProcessRun results whose values come
// from known distributions, so every expected answer is known.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "../analysis/test_random.h"
#include "harness/benchmark.h"
#include "perf/status.h"
#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::testing {

struct SyntheticInterpreter {
  std::string label;
  std::string version = "3.13.5";
  bool free_threaded = false;
  bool baseline = false;
  std::map<std::string, std::string> env;  // PYTHON_GIL=1 switches a free-threaded build's GIL on
  std::string executable;                  // default: derived from version and build
};

struct SyntheticBenchmark {
  std::string id;
  harness::Scaling scaling = harness::Scaling::strong;
  std::string op_name = "op";
  std::string summary;
  std::vector<std::string> tags;
};

// A counter recorded in every iteration: value = per_op * ops * lognormal noise, or a
// status other than "counted" with its reason (and no value).
struct SyntheticCounter {
  std::string name;
  double per_op = 0;
  perf::Status status = perf::Status::counted;
  std::string message;
  double running_fraction = 1.0;
};

class SyntheticRun {
 public:
  // region time in ns of one iteration of process `process`
  using Draw = std::function<double(Rng&, int process, int iteration)>;

  explicit SyntheticRun(std::string run_id = "20261128-120000-synthetic", uint64_t seed = 1);

  SyntheticRun& interpreter(SyntheticInterpreter interp);
  SyntheticRun& benchmark(SyntheticBenchmark bench);
  SyntheticRun& benchmark(const std::string& id, harness::Scaling scaling = harness::Scaling::strong,
                          const std::string& op_name = "op") {
    return benchmark(SyntheticBenchmark{id, scaling, op_name, "", {}});
  }
  // `processes` processes of 1 warm-up + `iterations` measured iterations each.
  SyntheticRun& cell(const std::string& interpreter, const std::string& benchmark, int threads, int processes,
                     int iterations, int64_t ops, const Draw& draw, const std::vector<SyntheticCounter>& counters = {});
  SyntheticRun& failure(const std::string& interpreter, const std::string& benchmark, int threads, int process,
                        const std::string& reason);

  const results::Manifest& manifest() const { return manifest_; }
  const std::vector<results::ProcessRun>& runs() const { return runs_; }
  results::Manifest& manifest() { return manifest_; }
  std::vector<results::ProcessRun>& runs() { return runs_; }

  // A run directory under `root` (manifest.json, runs/, results.json) as orchestrate writes it.
  std::filesystem::path write(const std::filesystem::path& root) const;

 private:
  size_t interpreter_index(const std::string& label) const;
  size_t benchmark_index(const std::string& id) const;
  results::ProcessRun process(const std::string& interpreter, const std::string& benchmark, int threads, int process);

  results::Manifest manifest_;
  std::vector<results::ProcessRun> runs_;
  Rng rng_;
};

// The demonstration run: 3.12 (baseline), 3.13, 3.13t and 3.13t with PYTHON_GIL=1 on an
// 8-CPU machine at 1, 2, 4 and 8 threads; benchmarks that scale on 3.13t, one that collapses,
// single-thread costs of free-threading, an n.s. difference, counters (one not supported) and
// one failed process.
SyntheticRun demo_run(uint64_t seed = 42);

// The noise floor's demonstration: 3.13 (baseline) and 3.13t, 40 quiet benchmarks (6 processes
// x 5 iterations, 3 % between processes) and three cells noisier than that: "noisy/slow_process"
// (3.13: process 2 ran 1.6x slower), "noisy/bimodal" (3.13: 8 processes, 4 of them 1.5x slower)
// and "noisy/migrations" (3.13t: process 1 ran 1.5x slower and moved between CPUs 60 times an
// iteration, the others 2).
SyntheticRun noisy_run(uint64_t seed = 7);

// Lognormal noise around a median: the usual Draw. `between` adds a process-level random
// effect (each process's values shifted together by exp(N(0, between))), as real processes
// shift on a shared machine; 0: independent iterations.
SyntheticRun::Draw lognormal_draw(double median_ns, double sigma = 0.02, double between = 0.0);

}  // namespace ftbench::testing
