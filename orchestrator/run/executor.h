#pragma once

#include <atomic>
#include <filesystem>
#include <vector>

#include "plan/plan.h"
#include "results/process_run.h"
#include "run/connection.h"
#include "run/iteration_counters.h"

namespace ftbench::run {

// What one process run needs besides its plan item.
struct ItemContext {
  const plan::Plan* plan = nullptr;
  std::filesystem::path workloads_dir;
  std::filesystem::path stdout_path;   // where the child's stdout goes
  std::filesystem::path stderr_path;   // where the child's stderr goes
  std::vector<int> cpus;               // affinity; empty: none
  std::filesystem::path pycache_dir;   // PYTHONPYCACHEPREFIX (run/bytecode.h); empty: none
  const std::atomic<int>* stop_signal = nullptr;  // non-zero: SIGINT/SIGTERM received
};

// Runs one plan item and returns what happened. A failing child is a result (status failed),
// not an exception; exceptions are for the orchestrator's own unrecoverable errors.
// The scheduler talks to this interface only, so tests can drive it with a mock.
class Executor {
 public:
  virtual ~Executor() = default;
  // `interrupted` is set when the stop signal cut the run short; such a run is not saved.
  virtual results::ProcessRun execute(const plan::PlanItem& item, const ItemContext& context, bool& interrupted) = 0;
};

// The real one: starts the harness under the item's interpreter, speaks the channel protocol
// (workloads/PROTOCOL.md), attaches counters after hello and brackets each iteration:
//   launch -> hello -> attach counters -> start -> { ready -> counters start, go -> done ->
//   counters stop, ack } x (warm-ups + iterations), the last ack being a stop -> bye -> exit.
// Anything off that path (timeout, early exit, garbage, an error message) ends the run as
// failed with the reason and the tail of the child's stderr.
class HarnessExecutor : public Executor {
 public:
  explicit HarnessExecutor(Launcher& launcher, CounterAttacher attach = attach_perf_counters)
      : launcher_(launcher), attach_(std::move(attach)) {}
  results::ProcessRun execute(const plan::PlanItem& item, const ItemContext& context, bool& interrupted) override;

 private:
  Launcher& launcher_;
  CounterAttacher attach_;
};

}  // namespace ftbench::run
