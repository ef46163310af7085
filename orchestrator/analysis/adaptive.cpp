#include "analysis/adaptive.h"

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <set>

#include "analysis/cells.h"
#include "analysis/compare.h"

namespace ftbench::analysis {
namespace {

constexpr double kTooWide = std::numeric_limits<double>::infinity();

// Relative half-width of a ratio's interval; too wide when no 95 % interval exists yet.
double half_width(const RatioEstimate& r) {
  if (!r.valid || r.insufficient || r.ci.confidence < kConfidence - 1e-9 || r.ratio <= 0) return kTooWide;
  return (r.ci.high - r.ci.low) / 2.0 / r.ratio;
}

double half_width(const Summary* s) {
  if (!s || s->processes < 6) return kTooWide;
  return s->relative_ci_half_width();
}

// The cells whose intervals are too wide, as (benchmark, threads, interpreter) keys.
std::set<CellKey> cells_to_extend(const Cells& cells, const Comparisons& cmp, double target) {
  std::set<CellKey> out;
  bool any_read = false;
  auto consider = [&](double width, std::initializer_list<CellKey> keys) {
    any_read = true;
    if (width > target) out.insert(keys.begin(), keys.end());
  };
  for (const auto& c : cmp.rows)
    if (c.kind != PairKind::versus_baseline)
      consider(half_width(c.time), {{c.benchmark, c.subject, c.threads}, {c.benchmark, c.reference, c.threads}});
  for (const auto& w : cmp.workload_pairs)
    consider(half_width(w.time), {{w.subject, w.interpreter, w.threads}, {w.reference, w.interpreter, w.threads}});
  for (const auto& curve : cmp.scaling)
    for (const auto& p : curve.points) {
      if (p.threads == 1) continue;
      // The speedup interval is T(1)/T(N)'s; its relative half-width is the ratio's.
      const double width = p.insufficient || p.speedup <= 0 || p.speedup_ci.confidence < kConfidence - 1e-9
                               ? kTooWide
                               : (p.speedup_ci.high - p.speedup_ci.low) / 2.0 / p.speedup;
      consider(width, {{curve.benchmark, curve.interpreter, 1}, {curve.benchmark, curve.interpreter, p.threads}});
    }
  if (!any_read)  // nothing compared within the run: each cell's own median
    for (const auto& c : cells.cells) {
      const auto* s = c.time_per_op_stats ? &*c.time_per_op_stats : c.time_stats ? &*c.time_stats : nullptr;
      if (half_width(s) > target) out.insert(c.key);
    }
  return out;
}

}  // namespace

std::vector<plan::PlanItem> next_adaptive_round(const results::Manifest& manifest,
                                                const std::vector<results::ProcessRun>& runs, const AdaptiveGoal& goal) {
  const auto& plan = manifest.plan;
  const int next_round = plan.rounds();
  if (goal.target_rel_ci <= 0 || next_round >= goal.max_rounds) return {};

  const auto cells = build_cells(manifest, runs);
  const auto wide = cells_to_extend(cells, compare_within_run(cells, manifest.usable_cpus()), goal.target_rel_ci);

  std::map<std::string, double> seconds_per_benchmark;
  std::map<CellKey, int> failures;
  for (const auto& r : runs) {
    seconds_per_benchmark[r.benchmark] += r.duration_s;
    if (r.status != results::RunStatus::ok) ++failures[CellKey{r.benchmark, r.interpreter, r.threads}];
  }

  std::mt19937_64 rng(plan.seed + static_cast<uint64_t>(next_round));
  std::vector<plan::PlanItem> round;
  for (size_t b = 0; b < plan.benchmarks.size(); ++b) {
    const auto& bench = plan.benchmarks[b].id;
    if (seconds_per_benchmark[bench] >= goal.max_seconds_per_benchmark) continue;
    for (int t : plan.threads) {
      std::vector<size_t> need;
      for (size_t i = 0; i < plan.interpreters.size(); ++i) {
        const CellKey key{bench, plan.interpreters[i].label, t};
        // A cell that keeps failing gets no more chances: more processes would not converge.
        if (failures[key] >= 2) continue;
        // A cell with no result at all yet is planned already, or cannot run: not our business.
        if (wide.count(key) && cells.find(bench, key.interpreter, t)) need.push_back(i);
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
