#pragma once

#include <atomic>
#include <filesystem>
#include <vector>

#include "plan/plan.h"
#include "results/results.h"

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

// The real one: spawns the harness under the item's interpreter, speaks the channel protocol
// (workloads/PROTOCOL.md), attaches perf counters after hello and brackets each iteration.
class HarnessExecutor : public Executor {
 public:
  results::ProcessRun execute(const plan::PlanItem& item, const ItemContext& context, bool& interrupted) override;
};

// The harness command line for an item (argument vector, never a shell).
std::vector<std::string> harness_command(const plan::Plan& plan, const plan::PlanItem& item);

}  // namespace ftbench::run
