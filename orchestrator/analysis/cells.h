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
#include "results/manifest.h"
#include "results/results.h"

namespace ftbench::analysis {

// An interpreter as the reports describe it.
struct InterpreterInfo {
  std::string label;
  std::string implementation;
  std::string version;              // "3.13.5"
  std::string short_name;           // "3.13.5t"
  bool free_threaded_build = false;
  bool gil_enabled = true;          // as its processes reported it (PYTHON_GIL included)
  bool baseline = false;
  std::string executable;
  std::map<std::string, std::string> env;  // the extra environment, e.g. PYTHON_GIL=1
  std::string configure_args;
  std::string compiler;

  int major = 0;
  int minor = 0;
  // "free-threaded, GIL off" / "default build, GIL on" / "free-threaded, GIL on (PYTHON_GIL=1)"
  std::string build_description() const;
};

struct BenchmarkInfo {
  std::string id;
  std::string group;                // first path component: "memory" of "memory/ordering/x"
  std::string scaling;              // strong | weak | ""
  std::string op_name;
  std::string summary;
  std::vector<std::string> tags;
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
  std::string status;               // "counted" when counted in any measured iteration
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
  std::optional<Summary> time_stats;
  std::optional<Summary> time_per_op_stats;
  std::optional<Summary> parallelism_stats;
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
  std::string phase;                // harness phase, when it said
  std::string exit;
  std::string detail;               // last line of the traceback or stderr
};

struct RunCounts {
  size_t planned = 0;
  size_t finished = 0;
  size_t failed = 0;
};

struct Cells {
  std::vector<InterpreterInfo> interpreters;  // plan order
  std::vector<BenchmarkInfo> benchmarks;      // plan order
  std::vector<int> threads;                   // ascending, as measured
  std::vector<Cell> cells;                    // benchmark, threads, interpreter order
  std::vector<Failure> failures;
  std::vector<std::string> notes;             // run-level caveats (no baseline, GIL re-enabled ...)
  RunCounts counts;
  size_t baseline = 0;                        // index into interpreters

  const Cell* find(const std::string& benchmark, const std::string& interpreter, int thread_count) const;
  const InterpreterInfo* interpreter(const std::string& label) const;
  const BenchmarkInfo* benchmark(const std::string& id) const;
  std::vector<std::string> counter_names() const;  // every counter seen, first-seen order
};

// Groups measured iterations (warm-ups excluded) of finished processes (failures counted,
// never measured) into cells and summarizes each.
Cells build_cells(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs);

std::string benchmark_group(const std::string& benchmark_id);

}  // namespace ftbench::analysis
