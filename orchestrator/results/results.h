#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ftbench::results {

// Bumped on any incompatible change to the files under a run directory (docs/results-schema.md).
inline constexpr int kSchemaVersion = 1;

struct ThreadTiming {
  int index = 0;
  int64_t wall_ns = 0;  // this worker's own release -> finish time
  int64_t cpu_ns = 0;   // this worker's CPU time in the region
};

// One counter over one iteration, scaled for multiplexing, with how it was obtained.
struct CounterResult {
  std::string name;
  std::string status;             // perf::to_string(Status): counted, not_supported, ...
  std::string message;            // why, when not counted
  double value = 0;               // scaled: raw * enabled / running
  uint64_t raw = 0;
  double running_fraction = 0;    // time_running / time_enabled (1.0: never multiplexed)
  std::vector<std::pair<std::string, double>> per_pmu;  // hybrid CPUs: one entry per CPU PMU
};

struct Iteration {
  int index = 0;
  bool warmup = false;
  int64_t region_ns = 0;          // barrier release -> last worker done, measured in the child
  std::vector<ThreadTiming> threads;
  int64_t ops = 0;
  bool gil_enabled = true;        // re-read after the iteration: imports can re-enable it on 3.13t
  std::vector<CounterResult> counters;
};

// What the child said about itself in its hello (the truth for this process, env included).
struct ChildInterpreter {
  std::string implementation;
  std::string version;
  std::string executable;
  bool free_threaded_build = false;
  bool gil_enabled = true;
  std::string configure_args;
  std::string compiler;
};

struct WorkloadInfo {
  std::string id;
  std::string kind;               // suite | script
  std::string scaling;            // strong | weak
  std::string op_name;
  std::vector<std::string> tags;
  int64_t size = 0;
  std::string size_preset;
  int64_t ops_per_iteration = 0;
};

struct EventCapability {
  std::string name;
  std::string status;
  std::string message;
  std::string encoding;
  bool proxy = false;
  std::string note;
};

enum class RunStatus { ok, failed };
std::string to_string(RunStatus);

// One interpreter process for one (interpreter, benchmark, threads, process index).
struct ProcessRun {
  std::string item_id;            // stable across resume: "<interpreter>/<benchmark>/t<threads>/p<process>"
  size_t sequence = 0;            // position in the interleaved plan
  int round = 0;
  std::string interpreter;        // label from the resolved config
  std::string benchmark;
  int threads = 1;
  int process_index = 0;
  RunStatus status = RunStatus::failed;
  std::string failure;            // what went wrong, one line; empty when ok
  std::string error_phase;        // from the harness' error message, when it sent one
  std::string error_traceback;
  std::string stderr_tail;        // last lines of the child's stderr, kept on failure
  std::string exit;               // "exit code 0", "killed by signal 9 (SIGKILL)"
  std::vector<int> cpus;          // affinity used
  std::string started_at;         // ISO 8601 UTC
  double duration_s = 0;          // whole process, start-up included (not a measurement)
  std::optional<ChildInterpreter> child;
  std::optional<WorkloadInfo> workload;
  bool gil_enabled_at_exit = true;
  bool checked = false;           // the workload's self-check ran (and passed) before bye
  std::vector<EventCapability> capabilities;
  std::vector<Iteration> iterations;
};

}  // namespace ftbench::results
