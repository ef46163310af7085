#pragma once

#include <vector>

#include "config/defaults.h"
#include "plan/plan.h"
#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::analysis {

// Adaptive repetitions (`repetitions.target_rel_ci`): after the planned rounds, add processes
// where the intervals users read are widest, until each is within the target (relative
// half-width of its 95 % interval) or each benchmark's time budget (`max_time`, summed over its
// processes) or the round cap is spent. The intervals users read: free-threaded vs default
// build, the PYTHON_GIL switch, the suite's workload pairs and scaling over threads; where a
// run has none of those (one interpreter, one thread count), each cell's own median.
// The process is the unit, so an interval needs processes: a cell with too few for any 95 %
// interval always counts as too wide.
struct AdaptiveGoal {
  double target_rel_ci = 0;
  double max_seconds_per_benchmark = config::kDefaultMaxSecondsPerBenchmark;
  int max_rounds = config::kDefaultMaxAdaptiveRounds;
};

// One more round for the cells that need it (interpreters shuffled per cell, seeded by the
// plan's seed and the round number); empty when every interval is narrow enough or out of
// budget.
std::vector<plan::PlanItem> next_adaptive_round(const results::Manifest& manifest,
                                                const std::vector<results::ProcessRun>& runs, const AdaptiveGoal& goal);

}  // namespace ftbench::analysis
