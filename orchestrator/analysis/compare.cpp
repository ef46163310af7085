#include "analysis/compare.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace ftbench::analysis {
namespace {

bool sets_gil_env(const MeasuredInterpreter& i) { return i.tested.env.find("PYTHON_GIL") != i.tested.env.end(); }

// The default build that best matches a free-threaded one: same major.minor, the exact
// version preferred (a provisioned pair shares source and flags), a clean environment.
const MeasuredInterpreter* default_build_for(const Cells& cells, const MeasuredInterpreter& ft) {
  const MeasuredInterpreter* best = nullptr;
  const auto& v = ft.facts().version;
  for (const auto& i : cells.interpreters) {
    const auto& iv = i.facts().version;
    if (i.free_threaded_build() || iv.major != v.major || iv.minor != v.minor || sets_gil_env(i)) continue;
    if (!best || (i.facts().version_text == ft.facts().version_text &&
                  best->facts().version_text != ft.facts().version_text))
      best = &i;
  }
  return best;
}

std::string pair_title(PairKind kind, const MeasuredInterpreter& s, const MeasuredInterpreter& r) {
  const auto& sv = s.facts().version_text;
  const auto& rv = r.facts().version_text;
  switch (kind) {
    case PairKind::versus_baseline:
      return s.label() + " vs " + r.label() + " (baseline)";
    case PairKind::free_threading:
      return s.label() + " vs " + r.label() + ": free-threaded vs default build of " + (sv == rv ? sv : sv + " / " + rv);
    case PairKind::gil_switch:
      return s.label() + " vs " + r.label() + ": the same free-threaded binary with the GIL on vs off";
  }
  return s.label() + " vs " + r.label();
}

// Time samples to compare two cells on; per operation when both reported operations.
std::pair<const Sample*, const Sample*> time_samples(const Cell& s, const Cell& r, TimeMetric& metric) {
  bool per_op = !s.time_per_op.empty() && s.time_per_op.size() == s.time.size() && !r.time_per_op.empty() &&
                r.time_per_op.size() == r.time.size();
  metric = per_op ? TimeMetric::per_op : TimeMetric::per_iteration;
  return per_op ? std::pair{&s.time_per_op, &r.time_per_op} : std::pair{&s.time, &r.time};
}

void add_geomeans(std::vector<GroupGeomean>& out, PairKind kind, const std::string& subject,
                  const std::string& reference, const std::vector<std::pair<std::string, Comparison>>& rows) {
  // rows: (group, comparison) for one pair
  std::map<std::pair<std::string, int>, std::vector<const Comparison*>> by_group;
  for (const auto& [group, c] : rows) {
    if (!c.time.valid) continue;
    by_group[{group, c.threads}].push_back(&c);
    by_group[{"all", c.threads}].push_back(&c);
  }
  for (const auto& [key, list] : by_group) {
    GroupGeomean g;
    g.kind = kind;
    g.subject = subject;
    g.reference = reference;
    g.group = key.first;
    g.threads = key.second;
    std::vector<double> ratios;
    for (const auto* c : list) {
      ratios.push_back(c->time.ratio);
      if (!c->time.significant) ++g.not_significant;
      else if (c->time.change == Change::lower) ++g.faster;
      else ++g.slower;
    }
    g.benchmarks = ratios.size();
    g.geomean = geometric_mean(ratios);
    out.push_back(g);
  }
}

}  // namespace

double geometric_mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double log_sum = 0;
  for (double v : values) log_sum += std::log(v);
  return std::exp(log_sum / static_cast<double>(values.size()));
}

std::vector<InterpreterPair> find_pairs(const Cells& cells) {
  std::vector<InterpreterPair> pairs;
  if (cells.interpreters.empty()) return pairs;
  const auto& base = cells.interpreters[cells.baseline];
  for (const auto& i : cells.interpreters)
    if (i.label() != base.label())
      pairs.push_back({PairKind::versus_baseline, i.label(), base.label(), pair_title(PairKind::versus_baseline, i, base)});
  for (const auto& ft : cells.interpreters) {
    if (!ft.free_threaded_build() || ft.gil_enabled) continue;
    if (const auto* def = default_build_for(cells, ft))
      pairs.push_back(
          {PairKind::free_threading, ft.label(), def->label(), pair_title(PairKind::free_threading, ft, *def)});
  }
  for (const auto& on : cells.interpreters) {
    if (!on.free_threaded_build() || !on.gil_enabled) continue;
    for (const auto& off : cells.interpreters)
      if (off.free_threaded_build() && !off.gil_enabled && off.facts().executable == on.facts().executable) {
        pairs.push_back({PairKind::gil_switch, on.label(), off.label(), pair_title(PairKind::gil_switch, on, off)});
        break;
      }
  }
  return pairs;
}

Comparison compare_cells(const Cell& subject, const Cell& reference, PairKind kind) {
  Comparison c;
  c.kind = kind;
  c.subject = subject.key.interpreter;
  c.reference = reference.key.interpreter;
  c.benchmark = subject.key.benchmark;
  c.threads = subject.key.threads;
  auto [s, r] = time_samples(subject, reference, c.metric);
  c.time = compare_samples(r->values, s->values);
  return c;
}

const ScalingPoint* ScalingCurve::at(int threads) const {
  for (const auto& p : points)
    if (p.threads == threads) return &p;
  return nullptr;
}

ScalingPoint scaling_point(harness::Scaling kind, int threads, const Sample& one, const Sample& many, int usable_cpus) {
  ScalingPoint p;
  p.threads = threads;
  p.oversubscribed = usable_cpus > 0 && threads > usable_cpus;
  const auto r = compare_samples(one.values, many.values);  // T(N) / T(1)
  if (!r.valid) return p;
  const double n = static_cast<double>(threads);
  const double inverse = 1.0 / r.ratio;  // T(1)/T(N)
  const Interval inv_ci{1.0 / r.ci.high, 1.0 / r.ci.low, r.ci.confidence};
  if (kind != harness::Scaling::weak) {
    p.speedup = inverse;
    p.speedup_ci = inv_ci;
    p.efficiency = inverse / n;
    p.efficiency_ci = {inv_ci.low / n, inv_ci.high / n, inv_ci.confidence};
  } else {
    p.efficiency = inverse;
    p.efficiency_ci = inv_ci;
    p.speedup = n * inverse;
    p.speedup_ci = {n * inv_ci.low, n * inv_ci.high, inv_ci.confidence};
  }
  p.significant = r.significant;
  p.p_value = r.test.p_value;
  return p;
}

const Comparison* Comparisons::find(PairKind kind, const std::string& subject, const std::string& benchmark,
                                    int threads) const {
  for (const auto& c : rows)
    if (c.kind == kind && c.subject == subject && c.benchmark == benchmark && c.threads == threads) return &c;
  return nullptr;
}

Comparisons compare_within_run(const Cells& cells, int usable_cpus) {
  Comparisons out;
  out.pairs = find_pairs(cells);
  for (const auto& pair : out.pairs) {
    std::vector<std::pair<std::string, Comparison>> rows;
    for (const auto& b : cells.benchmarks)
      for (int t : cells.threads) {
        const auto* s = cells.find(b.id, pair.subject, t);
        const auto* r = cells.find(b.id, pair.reference, t);
        if (!s || !r || !s->has_values() || !r->has_values()) continue;
        rows.emplace_back(b.group(), compare_cells(*s, *r, pair.kind));
      }
    add_geomeans(out.geomeans, pair.kind, pair.subject, pair.reference, rows);
    for (auto& [group, c] : rows) out.rows.push_back(std::move(c));
  }
  for (const auto& b : cells.benchmarks)
    for (const auto& i : cells.interpreters) {
      const auto* one = cells.find(b.id, i.label(), 1);
      if (!one || !one->has_values()) continue;
      const auto kind = b.scaling == harness::Scaling::weak ? harness::Scaling::weak : harness::Scaling::strong;
      ScalingCurve curve{b.id, i.label(), kind, {}};
      for (int t : cells.threads) {
        const auto* cell = cells.find(b.id, i.label(), t);
        if (!cell || !cell->has_values()) continue;
        curve.points.push_back(scaling_point(curve.kind, t, one->time, cell->time, usable_cpus));
      }
      if (curve.points.size() >= 2) out.scaling.push_back(std::move(curve));
    }
  return out;
}

RunComparison compare_runs(const std::string& run_a, const Cells& a, const std::string& run_b, const Cells& b) {
  RunComparison out;
  out.run_a = run_a;
  out.run_b = run_b;
  std::map<std::string, std::vector<std::pair<std::string, Comparison>>> by_interpreter;
  size_t only_a = 0;
  for (const auto& ca : a.cells) {
    const auto* cb = b.find(ca.key.benchmark, ca.key.interpreter, ca.key.threads);
    if (!cb) {
      ++only_a;
      continue;
    }
    if (!ca.has_values() || !cb->has_values()) continue;
    RunComparisonRow row;
    row.interpreter = ca.key.interpreter;
    row.benchmark = ca.key.benchmark;
    row.threads = ca.key.threads;
    auto [sb, sa] = time_samples(*cb, ca, row.metric);
    row.time = compare_samples(sa->values, sb->values);
    const auto* ia = a.interpreter(row.interpreter);
    const auto* ib = b.interpreter(row.interpreter);
    if (ia && ib && ia->facts().version_text != ib->facts().version_text)
      row.note = "version " + ia->facts().version_text + " -> " + ib->facts().version_text;
    else if (ia && ib && ia->build_description() != ib->build_description())
      row.note = ia->build_description() + " -> " + ib->build_description();
    Comparison c;
    c.subject = c.reference = row.interpreter;
    c.benchmark = row.benchmark;
    c.threads = row.threads;
    c.metric = row.metric;
    c.time = row.time;
    harness::Benchmark unlisted;
    unlisted.id = row.benchmark;
    const auto* bench = b.benchmark(row.benchmark);
    by_interpreter[row.interpreter].emplace_back((bench ? *bench : unlisted).group(), c);
    out.rows.push_back(std::move(row));
  }
  size_t only_b = 0;
  for (const auto& cb : b.cells)
    if (!a.find(cb.key.benchmark, cb.key.interpreter, cb.key.threads)) ++only_b;
  for (const auto& [label, rows] : by_interpreter)
    add_geomeans(out.geomeans, PairKind::versus_baseline, label, label, rows);
  if (only_a) out.notes.push_back(std::to_string(only_a) + " cells only in " + run_a + " (not compared)");
  if (only_b) out.notes.push_back(std::to_string(only_b) + " cells only in " + run_b + " (not compared)");
  if (out.rows.empty())
    out.notes.push_back("no (interpreter label, benchmark, threads) in common: were the runs made with the same config?");
  return out;
}

}  // namespace ftbench::analysis
