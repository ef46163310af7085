#pragma once
// A run's measurements grouped into cells (benchmark, interpreter, thread count) with their
// statistics: what every report and comparison is built from. analyze() is the one place
// that decides which values count (measured iterations of processes that finished).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/statistics.h"
#include "harness/benchmark.h"
#include "harness/protocol.h"
#include "perf/status.h"
#include "plan/plan.h"
#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::analysis {

// An interpreter of the run as the analysis sees it: what was planned, and the GIL state its
// processes actually reported (PYTHON_GIL, or an import that re-enables the GIL, changes it).
struct MeasuredInterpreter {
  plan::TestedInterpreter tested;
  bool gil_enabled = true;

  const std::string& label() const { return tested.label; }
  const discovery::Interpreter& facts() const { return tested.interpreter; }
  bool free_threaded_build() const { return tested.interpreter.free_threaded_build; }
  bool baseline() const { return tested.baseline; }
  // "free-threaded build, GIL off" / "default build, GIL on" / "..., GIL on (PYTHON_GIL=1)"
  std::string build_description() const;
};

struct CellKey {
  std::string benchmark;
  std::string interpreter;
  int threads = 1;
  auto operator<=>(const CellKey&) const = default;
};

// One counter in one cell. A counter that was never counted keeps its status and reason and
// has no statistics: it is not a zero.
struct CounterStats {
  std::string name;
  perf::Status status = perf::Status::not_counted;  // counted when counted in any measured iteration
  std::string message;              // why not, for the other statuses
  size_t counted_iterations = 0;
  size_t measured_iterations = 0;
  double mean_running_fraction = 0; // < 1: multiplexed, values are scaled estimates
  bool proxy = false;
  std::string note;                 // the capability's caveat (proxy meaning, errata)
  Sample per_iteration;
  Sample per_op;
  std::optional<Summary> per_iteration_stats;
  std::optional<Summary> per_op_stats;

  bool counted() const { return counted_iterations > 0; }
};

struct Cell {
  CellKey key;
  size_t processes_ok = 0;
  size_t processes_failed = 0;
  int64_t ops = 0;                  // operations per iteration (median); 0 when not reported
  bool ops_constant = true;
  size_t gil_enabled_iterations = 0;  // measured iterations after which the GIL was on
  Sample time;                      // region_ns of each measured iteration
  Sample time_per_op;               // region_ns / ops
  Sample parallelism;               // sum of the threads' CPU time / region time
  Sample cpu_per_op;                // the workers' CPU time / ops
  // CPU the process spent outside the workers' bodies during the region, per operation:
  // task-clock minus the workers' CPU (threads the workload starts, GC, the main thread).
  // Only where task-clock was counted.
  Sample other_cpu_per_op;
  Sample start_skew;                // the latest worker's start_ns: how long the release took
  // The workers' own time per operation: the sum of their wall times / ops. For a latency
  // benchmark this is each operation's latency, whatever the thread count.
  Sample worker_time_per_op;
  std::optional<Summary> time_stats;
  std::optional<Summary> time_per_op_stats;
  std::optional<Summary> parallelism_stats;
  std::optional<Summary> start_skew_stats;
  std::vector<CounterStats> counters;

  bool has_values() const { return !time.empty(); }
  const CounterStats* counter(const std::string& name) const;
};

// A process that did not finish, with what went wrong.
struct Failure {
  std::string item_id;
  std::string interpreter;
  std::string benchmark;
  int threads = 1;
  int process_index = 0;
  std::string reason;               // the one-line failure
  std::optional<harness::Phase> phase;  // harness phase, when it said
  std::string exit;
  std::string detail;               // last line of the traceback or stderr
};

struct RunCounts {
  size_t planned = 0;
  size_t finished = 0;
  size_t failed = 0;
};

struct Cells {
  std::vector<MeasuredInterpreter> interpreters;  // plan order
  std::vector<harness::Benchmark> benchmarks;     // plan order
  std::vector<int> threads;                   // ascending, as measured
  std::vector<Cell> cells;                    // benchmark, threads, interpreter order
  std::vector<Failure> failures;
  std::vector<std::string> notes;             // run-level caveats (no baseline, GIL re-enabled ...)
  RunCounts counts;
  size_t baseline = 0;                        // index into interpreters

  const Cell* find(const std::string& benchmark, const std::string& interpreter, int thread_count) const;
  const MeasuredInterpreter* interpreter(const std::string& label) const;
  const harness::Benchmark* benchmark(const std::string& id) const;
  std::vector<std::string> counter_names() const;  // every counter seen, first-seen order
};

// Groups measured iterations (warm-ups excluded) of finished processes (failures counted,
// never measured) into cells and summarizes each.
Cells build_cells(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs);

}  // namespace ftbench::analysis
