#include "analysis/compare.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <cmath>
#include <map>
#include <set>

#include "util/strings.h"

namespace ftbench::analysis {
namespace {

bool sets_gil_env(const MeasuredInterpreter& i) { return i.tested.env.find("PYTHON_GIL") != i.tested.env.end(); }

// "3.15" when this default build was chosen to stand in for that version's missing one.
std::string stands_in_for(const MeasuredInterpreter& i) {
  return i.tested.resolution ? i.tested.resolution->stand_in_for : std::string();
}

std::string minor_of(const MeasuredInterpreter& i) {
  return std::to_string(i.facts().version.major) + "." + std::to_string(i.facts().version.minor);
}

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
  if (best) return best;
  // A version with no default build: the one the config's query chose to stand in for it.
  const auto minor = minor_of(ft);
  for (const auto& i : cells.interpreters)
    if (!i.free_threaded_build() && !sets_gil_env(i) && stands_in_for(i) == minor) return &i;
  return nullptr;
}

// Shell-style words of a CONFIG_ARGS string ("'--prefix=/x' '--enable-shared'").
std::vector<std::string> configure_words(const std::string& args) {
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  bool in_word = false;
  for (char c : args) {
    if (quote) {
      if (c == quote) quote = 0;
      else word += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

std::string pair_title(PairKind kind, const MeasuredInterpreter& s, const MeasuredInterpreter& r) {
  const auto& sv = s.facts().version_text;
  const auto& rv = r.facts().version_text;
  switch (kind) {
    case PairKind::versus_baseline:
      return s.label() + " vs " + r.label() + " (baseline)";
    case PairKind::free_threading:
      // Whether r stands in is a fact of this pair (other versions), not of r alone: r may
      // also be the same-version partner of another free-threaded build.
      if (minor_of(s) != minor_of(r))
        return s.label() + " vs " + r.label() + ": free-threaded " + sv + " vs " + rv +
               ", the nearest default build (standing in: no default build of " + minor_of(s) + ")";
      return s.label() + " vs " + r.label() + ": free-threaded vs default build of " + (sv == rv ? sv : sv + " / " + rv);
    case PairKind::gil_switch:
      return s.label() + " vs " + r.label() + ": the same free-threaded binary with the GIL on vs off";
  }
  return s.label() + " vs " + r.label();
}

// The units two cells are compared on (one value per process); per operation when both
// reported operations.
std::pair<std::vector<double>, std::vector<double>> time_units(const Cell& s, const Cell& r, TimeMetric& metric) {
  const bool per_op = !s.time_per_op.empty() && s.time_per_op.size() == s.time.size() && !r.time_per_op.empty() &&
                      r.time_per_op.size() == r.time.size();
  metric = per_op ? TimeMetric::per_op : TimeMetric::per_iteration;
  return per_op ? std::pair{s.time_per_op.unit_values(), r.time_per_op.unit_values()}
                : std::pair{s.time.unit_values(), r.time.unit_values()};
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
      if (c->time.insufficient) ++g.insufficient;
      if (!c->time.significant) ++g.not_significant;
      else if (c->time.change == Change::lower) ++g.faster;
      else ++g.slower;
    }
    g.benchmarks = ratios.size();
    g.geomean = geometric_mean(ratios);
    out.push_back(g);
  }
}

// Where `free_threaded_gil_off` interpreters stand in a pair's expectations.
std::optional<harness::ExpectedRatio> expectation_for(const harness::Benchmark& subject, const MeasuredInterpreter& i,
                                                      int threads) {
  if (!subject.pair) return std::nullopt;
  for (const auto& e : subject.pair->expected)
    if (e.applies(i.free_threaded_build(), i.gil_enabled, i.facts().version, threads)) return e.ratio;
  return std::nullopt;
}

// Why an efficiency above the model's limit was measured, as far as the data tells.
std::string suspect_reason(const ScalingPoint& p, const Sample& one_thread) {
  if (p.efficiency_ci.low <= 1.0)
    return "within noise: the interval reaches 100% (" + std::to_string(static_cast<int>(p.efficiency_ci.low * 100)) +
           "% at its low end)";
  const auto units = one_thread.unit_values();
  if (units.size() >= 2) {
    const auto [lo, hi] = std::minmax_element(units.begin(), units.end());
    if (*hi > 1.2 * *lo)
      return "the one-thread time varies " + std::to_string(static_cast<int>((*hi / *lo - 1) * 100)) +
             "% between processes: a slow one-thread measurement inflates the speedup";
  }
  return "more than the scaling model allows: the work per operation is not fixed, or caches favour more threads";
}

}  // namespace

std::vector<std::string> configure_flag_differences(const std::string& args_a, const std::string& args_b) {
  auto relevant = [](const std::string& args) {
    std::set<std::string> out;
    for (const auto& w : configure_words(args))
      if (w != "--disable-gil" && w.rfind("--prefix", 0) != 0) out.insert(w);
    return out;
  };
  const auto a = relevant(args_a);
  const auto b = relevant(args_b);
  std::vector<std::string> out;
  std::set_symmetric_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

Agreement judge(const RatioEstimate& r, std::optional<harness::ExpectedRatio> expected) {
  if (!expected) return Agreement::no_expectation;
  if (!r.valid) return Agreement::inconclusive;
  switch (*expected) {
    case harness::ExpectedRatio::higher:
      if (r.significant) return r.ratio > 1 ? Agreement::agrees : Agreement::contradicts;
      return Agreement::inconclusive;
    case harness::ExpectedRatio::lower:
      if (r.significant) return r.ratio < 1 ? Agreement::agrees : Agreement::contradicts;
      return Agreement::inconclusive;
    case harness::ExpectedRatio::equal:
      if (r.ci.low > kEqualMargin || r.ci.high < 1.0 / kEqualMargin) return Agreement::contradicts;
      if (r.ci.low >= 1.0 / kEqualMargin && r.ci.high <= kEqualMargin) return Agreement::agrees;
      return Agreement::inconclusive;
  }
  return Agreement::inconclusive;
}

const InterpreterPair* Comparisons::pair(PairKind kind, const std::string& subject) const {
  for (const auto& p : pairs)
    if (p.kind == kind && p.subject == subject) return &p;
  return nullptr;
}

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
      pairs.push_back({PairKind::versus_baseline, i.label(), base.label(), pair_title(PairKind::versus_baseline, i, base), {}, {}});
  for (const auto& ft : cells.interpreters) {
    if (!ft.free_threaded_build() || ft.gil_enabled) continue;
    if (const auto* def = default_build_for(cells, ft))
      pairs.push_back({PairKind::free_threading, ft.label(), def->label(), pair_title(PairKind::free_threading, ft, *def),
                       {}, minor_of(ft) != minor_of(*def) ? minor_of(ft) : std::string()});
  }
  for (const auto& on : cells.interpreters) {
    if (!on.free_threaded_build() || !on.gil_enabled) continue;
    for (const auto& off : cells.interpreters)
      if (off.free_threaded_build() && !off.gil_enabled && off.facts().executable == on.facts().executable) {
        pairs.push_back({PairKind::gil_switch, on.label(), off.label(), pair_title(PairKind::gil_switch, on, off), {}, {}});
        break;
      }
  }
  for (auto& p : pairs)
    p.flags_differ = configure_flag_differences(cells.interpreter(p.subject)->facts().configure_args,
                                                cells.interpreter(p.reference)->facts().configure_args);
  return pairs;
}

Comparison compare_cells(const Cell& subject, const Cell& reference, PairKind kind) {
  Comparison c;
  c.kind = kind;
  c.subject = subject.key.interpreter;
  c.reference = reference.key.interpreter;
  c.benchmark = subject.key.benchmark;
  c.threads = subject.key.threads;
  const auto [s, r] = time_units(subject, reference, c.metric);
  c.time = compare_samples(r, s);
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
  const auto r = compare_samples(one.unit_values(), many.unit_values());  // T(N) / T(1), process units
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
  p.insufficient = r.insufficient;
  if (p.efficiency > 1.0) {
    p.suspect = true;
    p.suspect_reason = suspect_reason(p, one);
  }
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
  for (const auto& b : cells.benchmarks) {
    if (b.scaling != harness::Scaling::latency) continue;
    for (const auto& i : cells.interpreters) {
      LatencyCurve curve{b.id, i.label(), {}};
      for (int t : cells.threads) {
        const auto* cell = cells.find(b.id, i.label(), t);
        if (!cell || cell->time_per_op.empty()) continue;
        LatencyPoint p;
        p.threads = t;
        const auto& per_op = cell->worker_time_per_op.empty() ? cell->time_per_op : cell->worker_time_per_op;
        const auto stats = summarize(per_op, Quantity::duration_per_op_ns);
        p.latency_ns = stats.median;
        p.latency_ci = stats.median_ci;
        const double region_per_op = summarize(cell->time_per_op, Quantity::duration_per_op_ns).median;
        p.throughput_per_s = region_per_op > 0 ? 1e9 / region_per_op : 0;
        if (!cell->other_cpu_per_op.empty())
          p.other_cpu_ns_per_op = summarize(cell->other_cpu_per_op, Quantity::duration_per_op_ns).median;
        curve.points.push_back(p);
      }
      if (!curve.points.empty()) out.latency.push_back(std::move(curve));
    }
  }
  for (const auto& b : cells.benchmarks) {
    if (!b.pair || b.pair->role != harness::PairRole::subject) continue;
    const auto* reference = cells.benchmark(b.pair->other);
    if (!reference) continue;
    for (const auto& i : cells.interpreters)
      for (int t : cells.threads) {
        const auto* s = cells.find(b.id, i.label(), t);
        const auto* r = cells.find(reference->id, i.label(), t);
        if (!s || !r || !s->has_values() || !r->has_values()) continue;
        WorkloadPairComparison w;
        w.pair = b.pair->id;
        w.subject = b.id;
        w.reference = reference->id;
        w.interpreter = i.label();
        w.threads = t;
        const auto [su, ru] = time_units(*s, *r, w.metric);
        w.time = compare_samples(ru, su);
        w.expected = expectation_for(b, i, t);
        w.agreement = judge(w.time, w.expected);
        out.workload_pairs.push_back(std::move(w));
      }
  }
  for (const auto& b : cells.benchmarks)
    for (const auto& i : cells.interpreters) {
      if (b.scaling == harness::Scaling::latency) continue;  // latency and throughput instead
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
    const auto [ub, ua] = time_units(*cb, ca, row.metric);
    row.time = compare_samples(ua, ub);
    const auto* ia = a.interpreter(row.interpreter);
    const auto* ib = b.interpreter(row.interpreter);
    if (ia && ib && ia->facts().version_text != ib->facts().version_text)
      row.note = "version " + ia->facts().version_text + " -> " + ib->facts().version_text;
    else if (ia && ib && !configure_flag_differences(ia->facts().configure_args, ib->facts().configure_args).empty())
      row.note = "build flags differ: " +
                 util::join(configure_flag_differences(ia->facts().configure_args, ib->facts().configure_args), " ");
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
