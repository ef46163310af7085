#pragma once

#include <vector>

#include "plan/plan.h"
#include "config/defaults.h"
#include "results/process_run.h"

namespace ftbench::analysis {

// Adaptive repetitions (`repetitions.target_rel_ci`): after the planned rounds, keep adding
// processes for the (interpreter, benchmark, threads) cells whose median region time is not
// yet known to within the target (relative half-width of its 95 % CI), until each benchmark's
// time budget (`max_time`, summed over its processes) or the round cap is spent.
struct AdaptiveGoal {
  double target_rel_ci = 0;
  double max_seconds_per_benchmark = config::kDefaultMaxSecondsPerBenchmark;
  int max_rounds = config::kDefaultMaxAdaptiveRounds;
};

// One more round for the cells that need it (interpreters shuffled per cell, seeded by the
// plan's seed and the round number); empty when every cell is done or out of budget.
std::vector<plan::PlanItem> next_adaptive_round(const plan::Plan& plan, const std::vector<results::ProcessRun>& runs,
                                                const AdaptiveGoal& goal);

}  // namespace ftbench::analysis
