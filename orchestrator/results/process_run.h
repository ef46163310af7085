#pragma once
// What one interpreter process did: the record the run stage writes (one file per process
// under runs/) and every later stage reads.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "discovery/interpreter.h"
#include "harness/benchmark.h"
#include "harness/protocol.h"
#include "os/containment.h"
#include "os/output_capture.h"
#include "perf/counters.h"
#include "perf/status.h"
#include "util/enum_names.h"
#include "util/json.h"

namespace ftbench::results {

// Bumped on any incompatible change to the files under a run directory (docs/results-schema.md).
inline constexpr int kSchemaVersion = 1;

// One iteration: what the child reported (harness::IterationReport) plus the counters read
// around it, scaled for multiplexing, each with its status.
struct Iteration : harness::IterationReport {
  std::vector<perf::CounterValue> counters;
};
template <class F>
void describe(Iteration& it, F& f) {
  f("index", it.index);
  describe(static_cast<harness::IterationReport&>(it), f);
  f("counters", it.counters);
}

enum class RunStatus { ok, failed };
inline constexpr util::EnumName<RunStatus> kRunStatusNames[] = {{RunStatus::ok, "ok"}, {RunStatus::failed, "failed"}};
constexpr std::span<const util::EnumName<RunStatus>> enum_names(RunStatus) { return kRunStatusNames; }

// How the process was contained and what its whole tree (every descendant) used; absent in
// runs written before containment.
struct Resources {
  os::ContainmentMethod containment = os::ContainmentMethod::subreaper;
  std::optional<double> cpu_s;                     // cgroup v2 cpu.stat: the tree's CPU time
  std::optional<uint64_t> memory_peak_bytes;       // where a memory controller reports it
  std::optional<uint64_t> memory_limit_bytes;      // enforced; absent: none (the manifest's config.limits
                                                   // says what was asked for; this, what the machine enforced)
};
template <class F>
void describe(Resources& r, F& f) {
  f("containment", r.containment);
  f("cpu_s", r.cpu_s);
  f("memory_peak_bytes", r.memory_peak_bytes);
  f("memory_limit_bytes", r.memory_limit_bytes);
}

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
  std::optional<harness::Phase> error_phase;  // from the harness' error message, when it sent one
  std::string error_traceback;
  std::string stderr_tail;        // last lines of the child's stderr, kept on failure
  std::string exit;               // "exit code 0", "killed by signal 9 (SIGKILL)"
  std::vector<int> cpus;          // affinity used
  std::string started_at;         // ISO 8601 UTC
  double duration_s = 0;          // whole process, start-up included (not a measurement)
  std::optional<discovery::Interpreter> child;      // what the child said about itself (env included)
  std::optional<harness::WorkloadReport> workload;  // ... and about its workload
  bool gil_enabled_at_exit = true;
  bool checked = false;           // the workload's self-check ran (and passed) before bye
  std::vector<perf::EventCapability> capabilities;
  std::vector<Iteration> iterations;
  std::optional<Resources> resources;
  // Descendants still running when it had ended (a daemon it started, a forgotten
  // subprocess); all were killed. A warning, not a failure by itself: the measurements were
  // taken while they ran, and the record says they did.
  std::vector<os::LeftoverProcess> leftover_processes;
  std::vector<os::CapturedStream> logs_cut;  // streams whose log lost its middle to limits.log
  std::string limit_hit;                     // "memory", "open_files": the limit that failed it; "" none
};
template <class F>
void describe(ProcessRun& r, F& f) {
  f("item_id", r.item_id);
  f("sequence", r.sequence);
  f("round", r.round);
  f("interpreter", r.interpreter);
  f("benchmark", r.benchmark);
  f("threads", r.threads);
  f("process_index", r.process_index);
  f("status", r.status);
  f("failure", r.failure);
  f.optional("error_phase", r.error_phase);
  f.optional("error_traceback", r.error_traceback);
  f.optional("stderr_tail", r.stderr_tail);
  f("exit", r.exit);
  f("cpus", r.cpus);
  f("started_at", r.started_at);
  f("duration_s", r.duration_s);
  f("child", r.child);
  f("workload", r.workload);
  f("gil_enabled_at_exit", r.gil_enabled_at_exit);
  f("checked", r.checked);
  f("counter_capabilities", r.capabilities);
  f("iterations", r.iterations);
  f.optional("resources", r.resources);
  f.optional("leftover_processes", r.leftover_processes);
  f.optional("logs_cut", r.logs_cut);
  f.optional("limit_hit", r.limit_hit);
}

}  // namespace ftbench::results
