#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "config/config.h"
#include "plan/plan.h"
#include "results/manifest.h"
#include "results/run_store.h"
#include "run/executor.h"

namespace ftbench::run {

// Receives progress; the console one draws a line on a TTY and stays silent otherwise.
class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void item_started(size_t done, size_t total, const std::string& item_id, double eta_seconds) = 0;
  virtual void item_finished(const results::ProcessRun& run) = 0;
  virtual void finished() = 0;
};

class ConsoleProgress : public ProgressSink {
 public:
  explicit ConsoleProgress(bool tty);
  void item_started(size_t done, size_t total, const std::string& item_id, double eta_seconds) override;
  void item_finished(const results::ProcessRun& run) override;
  void finished() override;

 private:
  bool tty_;
  bool line_shown_ = false;
};

struct SchedulerOptions {
  std::filesystem::path workloads_dir;
  std::filesystem::path pycache_root;  // per-interpreter bytecode caches (run/bytecode.h); empty: none
  config::Affinity affinity;
  const std::atomic<int>* stop_signal = nullptr;
  std::chrono::seconds merge_interval{30};  // how often results.json is rewritten mid-run
};

struct SchedulerOutcome {
  size_t ran = 0;
  size_t ok = 0;
  size_t failed = 0;
  size_t skipped = 0;        // already finished (resume)
  bool interrupted = false;
};

// Runs every plan item that has no result in `runs` yet, in plan order, saving each result as
// soon as it exists and appending it to `runs` (which results.json is merged from). Stops
// cleanly between (or inside) items when the stop signal is set.
SchedulerOutcome run_plan(const plan::Plan& plan, Executor& executor, const results::RunStore& store,
                          const results::Manifest& manifest, std::vector<results::ProcessRun>& runs,
                          ProgressSink& progress, const SchedulerOptions& options);

// The CPUs one item is pinned to: none, the configured list, or (auto) one CPU per physical
// core, as many cores as the item has threads.
std::vector<int> cpus_for(const config::Affinity& affinity, int threads);
// Every CPU a run with this affinity may use: what the system check judges and --tune tunes.
std::vector<int> run_cpus(const config::Affinity& affinity);

}  // namespace ftbench::run
