#include "analysis/scaling_evidence.h"

#include <algorithm>

namespace ftbench::analysis {
namespace {

std::optional<double> unit_median(const Sample& s) {
  if (s.empty()) return std::nullopt;
  return median(s.unit_values());
}

std::optional<double> counter_per_op(const Cell& cell, const std::string& name, ScalingEvidence& out,
                                     std::optional<Interval>& ci) {
  const auto* c = cell.counter(name);
  if (!c) return std::nullopt;
  if (!c->counted() || c->per_op.empty()) {
    const auto note = name + ": " + (c->message.empty() ? std::string(util::name(c->status)) : c->message);
    if (std::find(out.missing.begin(), out.missing.end(), note) == out.missing.end()) out.missing.push_back(note);
    return std::nullopt;
  }
  if (c->per_op_stats) ci = c->per_op_stats->median_ci;
  return unit_median(c->per_op);
}

}  // namespace

ScalingEvidence scaling_evidence(const RunAnalysis& analysis, const std::string& benchmark,
                                 const std::string& interpreter) {
  ScalingEvidence out;
  out.benchmark = benchmark;
  out.interpreter = interpreter;
  if (const auto* interp = analysis.cells.interpreter(interpreter)) out.gil_enabled = interp->gil_enabled;
  if (const auto* b = analysis.cells.benchmark(benchmark)) out.kind = b->scaling;
  const ScalingCurve* curve = nullptr;
  for (const auto& c : analysis.comparisons.scaling)
    if (c.benchmark == benchmark && c.interpreter == interpreter) curve = &c;
  for (const int t : analysis.cells.threads) {
    const auto* cell = analysis.cells.find(benchmark, interpreter, t);
    if (!cell || !cell->has_values() || !cell->time_per_op_stats) continue;
    EvidencePoint p;
    p.threads = t;
    p.time_per_op_ns = cell->time_per_op_stats->median;
    p.time_per_op_ci = cell->time_per_op_stats->median_ci;
    p.cpu_per_op_ns = unit_median(cell->cpu_per_op);
    if (!cell->cpu_per_op.empty())
      p.cpu_per_op_ci = summarize(cell->cpu_per_op, Quantity::duration_per_op_ns).median_ci;
    p.parallelism = unit_median(cell->parallelism);
    std::optional<Interval> unused;
    p.switches_per_op = counter_per_op(*cell, "context-switches", out, p.switches_per_op_ci);
    p.migrations_per_op = counter_per_op(*cell, "cpu-migrations", out, unused);
    p.futex_per_op = counter_per_op(*cell, "syscalls:sys_enter_futex", out, p.futex_per_op_ci);
    p.hitm_per_op = counter_per_op(*cell, "hitm", out, p.hitm_per_op_ci);
    if (curve)
      if (const auto* sp = curve->at(t)) {
        p.efficiency = sp->efficiency;
        p.efficiency_ci = sp->efficiency_ci;
        p.oversubscribed = sp->oversubscribed;
        p.suspect = sp->suspect;
      }
    out.points.push_back(p);
  }
  if (out.points.size() < 2 || out.points.front().threads != 1) {
    out.cause = ScalingCause::not_enough_data;
    return out;
  }
  const auto& one = out.points.front();
  const auto& top = out.points.back();
  const int n = top.threads;
  if (one.cpu_per_op_ns && top.cpu_per_op_ns && *one.cpu_per_op_ns > 0)
    out.cpu_ratio = *top.cpu_per_op_ns / *one.cpu_per_op_ns;
  if (one.futex_per_op && top.futex_per_op) out.futex_rise = *top.futex_per_op - *one.futex_per_op;
  if (one.hitm_per_op && top.hitm_per_op) out.hitm_rises = *top.hitm_per_op > std::max(0.01, 10 * *one.hitm_per_op);
  const bool blocking = out.futex_rise && *out.futex_rise >= kFutexPerOpRise;
  const bool cpu_rises = out.cpu_ratio && *out.cpu_ratio >= kCpuRise;
  const bool serial = top.parallelism && *top.parallelism < 1.25;
  // Latency benchmarks have no efficiency: they are judged by CPU and blocking alone.
  // With the GIL on and the workers never in parallel, an efficiency that looks good is noise
  // in the one-thread cell: the GIL decides first. An efficiency above what the scaling model
  // allows (suspect) proves nothing either.
  if (out.gil_enabled && serial)
    out.cause = ScalingCause::gil_serialised;
  else if (top.efficiency && *top.efficiency >= kScalesEfficiency && !top.suspect && !one.suspect)
    out.cause = ScalingCause::scales;
  else if (blocking)
    out.cause = ScalingCause::lock_blocking;  // with CPU rising too: a lock that spins before it sleeps
  else if (cpu_rises)
    out.cause = ScalingCause::cache_contention;
  else if (!out.gil_enabled && top.parallelism && *top.parallelism < kStarvedParallelism * n)
    out.cause = ScalingCause::cpu_starved;
  else
    out.cause = ScalingCause::unclear;
  return out;
}

}  // namespace ftbench::analysis
