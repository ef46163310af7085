#pragma once
// One diagnose process: the harness in --diagnose mode under one interpreter at one thread
// count, driven over the channel like a benchmark process but with untimed, instrumented
// iterations. Tier 3 (watch_writes): iteration 0 is a probe (nothing armed; the harness diffs
// its buffers), then one watched iteration per window of words (analysis/sharing.h). Tier 2
// (sample_memory): iterations with PMU memory sampling attached to the workers.
//
// Timing never comes from here: traps cost ~20 us each and serialise the threads.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/sharing.h"
#include "harness/benchmark.h"
#include "perf/memory_sampling.h"
#include "plan/plan.h"
#include "run/connection.h"

namespace ftbench::diagnose {

// What one diagnose process runs.
struct ProcessSpec {
  plan::TestedInterpreter interpreter;
  harness::Benchmark benchmark;
  int threads = 2;
  std::string size = "quick";
  std::filesystem::path workloads_dir;
  std::filesystem::path pycache_dir;
  std::filesystem::path log_dir;          // <label>-<tier>.stdout / .stderr go here
  std::vector<int> cpus;                  // affinity; empty: none
  double timeout_seconds = 300;
  const std::atomic<int>* stop_signal = nullptr;  // non-zero: SIGINT/SIGTERM, stop at once
};

// The recording seam: arms the words on the tids (and threads they start later) and returns
// something to enable and finish. The real one is perf::WriteRecorder; tests fake it.
class ArmedWords {
 public:
  virtual ~ArmedWords() = default;
  virtual void enable() = 0;
  struct Result {
    std::vector<analysis::WriteEvent> writes;  // time order
    uint64_t lost = 0;
    uint64_t throttled = 0;                    // times the kernel paused an event
    bool budget_reached = false;
    uint64_t last_ns = 0;                      // CLOCK_MONOTONIC of the last record
  };
  virtual Result finish() = 0;
};
using WordArmer = std::function<std::unique_ptr<ArmedWords>(const std::vector<int64_t>& tids,
                                                            const std::vector<uint64_t>& addresses,
                                                            uint64_t max_records)>;
// perf::WriteRecorder over the given CPUs (empty: all online).
WordArmer hardware_armer(std::vector<int> cpus);

enum class TierStatus { done, unavailable, failed, skipped, interrupted };
inline constexpr util::EnumName<TierStatus> kTierStatusNames[] = {{TierStatus::done, "done"},
                                                                  {TierStatus::unavailable, "unavailable"},
                                                                  {TierStatus::failed, "failed"},
                                                                  {TierStatus::skipped, "skipped"},
                                                                  {TierStatus::interrupted, "interrupted"}};
constexpr std::span<const util::EnumName<TierStatus>> enum_names(TierStatus) { return kTierStatusNames; }

struct WatchSettings {
  double trap_budget_s = 10;              // all windows together
  double trap_cost_s = 20e-6;             // measured in this project's VMs (docs/diagnose.md)
  analysis::WatchPlanSettings plan;
};

struct WatchOutcome {
  TierStatus status = TierStatus::failed;
  std::string message;                    // why not, when not done
  std::vector<harness::WatchCandidate> candidates;  // as the probe saw them
  analysis::WatchPlan plan;
  std::vector<analysis::WatchedIteration> iterations;
  std::vector<int64_t> worker_tids;       // of the last watched iteration
  bool gil_enabled = false;
  uint64_t traps = 0;
  uint64_t max_records_per_window = 0;
  double seconds = 0;
};

WatchOutcome watch_writes(const ProcessSpec& spec, const WatchSettings& settings, run::Launcher& launcher,
                          const WordArmer& armer);

struct SampleOutcome {
  TierStatus status = TierStatus::unavailable;
  std::string message;
  std::vector<perf::MemorySample> samples;
  std::vector<harness::WatchCandidate> candidates;
  std::vector<int64_t> worker_tids;
  double seconds = 0;
};

// Tier 2: skipped with the plan's reason where the PMU offers no memory sampling.
SampleOutcome sample_memory(const ProcessSpec& spec, const perf::SamplingPlan& plan, run::Launcher& launcher,
                            uint64_t max_samples = 2'000'000);

}  // namespace ftbench::diagnose
