#include "analysis/adaptive.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <tuple>

#include "analysis/statistics.h"

namespace ftbench::analysis {

std::vector<plan::PlanItem> next_adaptive_round(const plan::Plan& plan, const std::vector<results::ProcessRun>& runs,
                                                const AdaptiveGoal& goal) {
  const int next_round = plan.rounds();
  if (goal.target_rel_ci <= 0 || next_round >= goal.max_rounds) return {};

  // Index plan entities by what runs record (labels and ids).
  std::map<std::string, size_t> interp_index, bench_index;
  for (size_t i = 0; i < plan.interpreters.size(); ++i) interp_index[plan.interpreters[i].label] = i;
  for (size_t b = 0; b < plan.benchmarks.size(); ++b) bench_index[plan.benchmarks[b].id] = b;

  using Cell = std::tuple<size_t, int, size_t>;  // benchmark, threads, interpreter
  std::map<Cell, Sample> samples;
  std::map<Cell, int> failures;
  std::vector<double> seconds_per_benchmark(plan.benchmarks.size(), 0);
  for (const auto& r : runs) {
    auto b = bench_index.find(r.benchmark);
    auto i = interp_index.find(r.interpreter);
    if (b == bench_index.end() || i == interp_index.end()) continue;
    seconds_per_benchmark[b->second] += r.duration_s;
    Cell cell{b->second, r.threads, i->second};
    if (r.status != results::RunStatus::ok) {
      ++failures[cell];
      continue;
    }
    for (const auto& it : r.iterations)
      if (!it.warmup) samples[cell].add(static_cast<double>(it.region_ns), r.process_index);
  }

  std::mt19937_64 rng(plan.seed + static_cast<uint64_t>(next_round));
  std::vector<plan::PlanItem> round;
  for (size_t b = 0; b < plan.benchmarks.size(); ++b) {
    if (seconds_per_benchmark[b] >= goal.max_seconds_per_benchmark) continue;
    for (int t : plan.threads) {
      std::vector<size_t> need;
      for (size_t i = 0; i < plan.interpreters.size(); ++i) {
        Cell cell{b, t, i};
        // A cell that keeps failing gets no more chances: more processes would not converge.
        if (failures[cell] >= 2) continue;
        auto it = samples.find(cell);
        bool converged = it != samples.end() && it->second.size() >= 6 &&
                         summarize(it->second, Quantity::duration_ns).relative_ci_half_width() <=
                             goal.target_rel_ci;
        if (!converged) need.push_back(i);
      }
      std::shuffle(need.begin(), need.end(), rng);
      for (size_t i : need)
        round.push_back({.sequence = plan.items.size() + round.size(), .round = next_round, .interpreter = i,
                         .benchmark = b, .threads = t, .process_index = next_round});
    }
  }
  return round;
}

}  // namespace ftbench::analysis
