#include "report/findings.h"

#include <algorithm>

#include "report/presenter.h"

namespace ftbench::report {
namespace {

using analysis::GroupGeomean;
using analysis::PairKind;

std::string geomean_words(const GroupGeomean& g) {
  const std::string over = std::to_string(g.benchmarks) + " benchmark" + (g.benchmarks == 1 ? "" : "s");
  // Never a win or a loss without a significant benchmark behind it.
  if (g.faster + g.slower == 0)
    return "no significant difference (geometric mean " + format_ratio(g.geomean) + " over " + over + ", all n.s.)";
  const std::string ratio = describe_geomean(g.geomean);
  std::string counts = std::to_string(g.slower) + " significantly slower, " + std::to_string(g.faster) +
                       " faster, " + std::to_string(g.not_significant) + " n.s.";
  return ratio + " (geometric mean over " + over + ": " + counts + ")";
}

const GroupGeomean* overall(const ReportModel& model, PairKind kind, const std::string& subject, int threads) {
  for (const auto& g : model.comparisons().geomeans)
    if (g.kind == kind && g.subject == subject && g.group == "all" && g.threads == threads) return &g;
  return nullptr;
}

}  // namespace

std::vector<std::string> key_findings(const ReportModel& model) {
  std::vector<std::string> out;
  const auto& cells = model.cells();
  const auto& cmp = model.comparisons();
  const int max_threads = cells.threads.empty() ? 1 : cells.threads.back();

  for (const auto& pair : cmp.pairs) {
    if (pair.kind == PairKind::versus_baseline) continue;
    const std::string what = pair.kind == PairKind::free_threading
                                 ? pair.subject + " (free-threaded) vs " + pair.reference + " (default build)"
                                 : pair.subject + " (PYTHON_GIL=1) vs " + pair.reference + " (GIL off)";
    if (const auto* g = overall(model, pair.kind, pair.subject, 1)) out.push_back(what + ", 1 thread: " + geomean_words(*g));
    if (max_threads > 1)
      if (const auto* g = overall(model, pair.kind, pair.subject, max_threads))
        out.push_back(what + ", " + std::to_string(max_threads) + " threads: " + geomean_words(*g));
  }

  // Scaling of each GIL-free interpreter: the best and any that get slower with threads.
  for (const auto& interp : cells.interpreters) {
    if (!interp.free_threaded_build() || interp.gil_enabled) continue;
    struct Best {
      const analysis::ScalingCurve* curve;
      const analysis::ScalingPoint* point;
    };
    std::vector<Best> points;
    for (const auto& curve : cmp.scaling) {
      if (curve.interpreter != interp.label()) continue;
      const analysis::ScalingPoint* top = nullptr;
      for (const auto& p : curve.points)
        if (p.threads > 1 && (!top || p.threads > top->threads)) top = &p;
      // A suspect point (above what the scaling model allows) is never a finding.
      if (top && !top->suspect) points.push_back({&curve, top});
    }
    std::sort(points.begin(), points.end(), [](auto& a, auto& b) { return a.point->speedup > b.point->speedup; });
    for (size_t i = 0; i < points.size() && i < 3; ++i) {
      const auto& [curve, p] = points[i];
      if (p->speedup < 1.2) break;
      std::string line = curve->benchmark + " scales " + format_ratio(p->speedup, 1) + " at " +
                         std::to_string(p->threads) + " threads on " + interp.label() + " (" +
                         format_percent(p->efficiency) + " efficiency, " + util::name_string(curve->kind) + " scaling";
      // The default build of the same version, for contrast.
      for (const auto& other : cmp.scaling)
        if (other.benchmark == curve->benchmark && other.interpreter != interp.label()) {
          const auto* info = cells.interpreter(other.interpreter);
          const auto& iv = interp.facts().version;
          if (!info || info->free_threaded_build() || info->facts().version.major != iv.major ||
              info->facts().version.minor != iv.minor)
            continue;
          if (const auto* q = other.at(p->threads)) line += "; " + other.interpreter + ": " + format_ratio(q->speedup, 1);
          break;
        }
      out.push_back(line + ")");
    }
    for (const auto& [curve, p] : points)
      // Clear evidence of less throughput than one thread: the whole interval below 1.
      if (p->speedup_ci.high < 1.0)
        out.push_back(curve->benchmark + " on " + interp.label() + " does not scale: " + format_ratio(p->speedup, 2) +
                      " at " + std::to_string(p->threads) + " threads (" + format_percent(p->efficiency) +
                      " efficiency)");
  }

  // Suite pairs whose measurement contradicts their docstring: a finding in itself.
  std::vector<const analysis::WorkloadPairComparison*> contradicting;
  for (const auto& w : cmp.workload_pairs)
    if (w.agreement == analysis::Agreement::contradicts) contradicting.push_back(&w);
  for (size_t i = 0; i < contradicting.size() && i < 3; ++i) {
    const auto& w = *contradicting[i];
    out.push_back(w.subject + " / " + w.reference + " on " + w.interpreter + " at " + std::to_string(w.threads) +
                  (w.threads == 1 ? " thread" : " threads") + ": " + describe_time_ratio(w.time) + " " +
                  describe_time_ratio_interval(w.time) + ", but the docstring expects " +
                  util::name_string(*w.expected));
  }
  if (contradicting.size() > 3)
    out.push_back(std::to_string(contradicting.size() - 3) + " more workload pair results contradict their docstrings");

  size_t total = 0, ns = 0, insufficient = 0;
  for (const auto& c : cmp.rows)
    if (c.time.valid) {
      ++total;
      if (c.time.insufficient) ++insufficient;
      else if (!c.time.significant) ++ns;
    }
  if (insufficient)
    out.push_back(std::to_string(insufficient) + " of " + std::to_string(total) +
                  " interpreter comparisons had too few processes for any verdict (insufficient processes: "
                  "at least 4 per side are needed at 5%)");
  if (total)
    out.push_back(std::to_string(ns) + " of " + std::to_string(total) +
                  " interpreter comparisons are not significant at 5% (marked n.s., never counted as wins or losses)");
  for (const auto& p : cmp.pairs)
    if (!p.flags_differ.empty())
      out.push_back(p.subject + " vs " + p.reference + ": " + describe_flags(p.flags_differ) +
                    ", so those ratios are not the " + (p.kind == analysis::PairKind::versus_baseline ? "version" : "build") +
                    " difference alone");
  if (cells.counts.failed)
    out.push_back(std::to_string(cells.counts.failed) + " of " + std::to_string(cells.counts.finished) +
                  " processes failed and are excluded (see Failures)");
  return out;
}

}  // namespace ftbench::report
