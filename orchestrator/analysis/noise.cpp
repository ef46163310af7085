#include "analysis/noise.h"

#include <boost/math/distributions/chi_squared.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <numbers>
#include <tuple>

#include "analysis/significance.h"

namespace ftbench::analysis {
namespace {

constexpr size_t kShiftTrials = 4000;  // simulated sample pairs per size: power to +-0.6 %

// Normal deviates from splitmix64 and Box-Muller, written out so that every standard library
// gives the same numbers (std::normal_distribution is implementation-defined).
class Normals {
 public:
  explicit Normals(uint64_t seed) : state_(seed) {}
  double next() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }

 private:
  double uniform() {  // in (0, 1)
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return (static_cast<double>(z >> 11) + 0.5) * 0x1.0p-53;
  }
  uint64_t state_;
};

double chi2_quantile(double df, double p) {
  return boost::math::quantile(boost::math::chi_squared_distribution<double>(df), p);
}

// A cell is flagged above this many floors: its sample CV exceeds the floor with probability
// kFlagLevel when its true noise is the floor's (chi-square with df = processes - 1).
double flag_multiple(size_t df) {
  const double d = static_cast<double>(df);
  return std::max(kFlagMinMultiple, std::sqrt(chi2_quantile(d, 1.0 - kFlagLevel) / d));
}

// The sd on the log scale that a coefficient of variation implies (exact for lognormal values).
double log_sd(double cv) { return std::sqrt(std::log1p(cv * cv)); }

// Asymptotic shift for the Mann-Whitney test: the t-test's (z_a/2 + z_b) sqrt(2/n), divided
// by the square root of the test's relative efficiency 3/pi under normal data.
double asymptotic_shift(size_t n, double alpha, double power) {
  return std::sqrt(std::numbers::pi / 3.0) * (normal_quantile(1.0 - alpha / 2.0) + normal_quantile(power)) *
         std::sqrt(2.0 / static_cast<double>(n));
}

// The process medians of a sample, and which process each is.
struct Units {
  std::vector<int> process;
  std::vector<double> value;
};

Units units_of(const Sample& s) {
  std::map<int, std::vector<double>> by_process;
  for (size_t i = 0; i < s.values.size(); ++i) by_process[s.process[i]].push_back(s.values[i]);
  Units u;
  for (auto& [id, v] : by_process) {
    u.process.push_back(id);
    u.value.push_back(median(std::move(v)));
  }
  return u;
}

// One process far from the others, whose removal would leave a cell the floor explains.
std::optional<NoiseCauseFound> outlying_process(const Units& u, double floor) {
  const size_t n = u.value.size();
  if (n < 3) return std::nullopt;
  size_t worst = 0;
  double worst_ratio = 1, worst_distance = -1;
  for (size_t j = 0; j < n; ++j) {
    std::vector<double> others;
    for (size_t k = 0; k < n; ++k)
      if (k != j) others.push_back(u.value[k]);
    const double ratio = u.value[j] / median(others);
    if (std::fabs(std::log(ratio)) > worst_distance) worst = j, worst_ratio = ratio, worst_distance = std::fabs(std::log(ratio));
  }
  std::vector<double> rest;
  for (size_t k = 0; k < n; ++k)
    if (k != worst) rest.push_back(u.value[k]);
  if (coefficient_of_variation(rest) > floor * flag_multiple(rest.size() - 1)) return std::nullopt;
  NoiseCauseFound c;
  c.kind = NoiseCause::outlying_process;
  c.value = worst_ratio;
  c.process = u.process[worst];
  return c;
}

// Two groups of at least two processes each, further apart than either group is wide and
// than the floor allows.
std::optional<NoiseCauseFound> bimodal(const Units& u, double floor) {
  const size_t n = u.value.size();
  if (n < 4) return std::nullopt;
  std::vector<double> logs;
  for (double v : u.value) logs.push_back(std::log(v));
  std::sort(logs.begin(), logs.end());
  size_t best = 0;
  double best_gap = 0;
  for (size_t k = 2; k + 2 <= n; ++k)
    if (logs[k] - logs[k - 1] > best_gap) best = k, best_gap = logs[k] - logs[k - 1];
  if (best == 0) return std::nullopt;
  const double low_width = logs[best - 1] - logs.front();
  const double high_width = logs.back() - logs[best];
  if (best_gap <= std::max(low_width, high_width) || best_gap <= 2.0 * log_sd(floor)) return std::nullopt;
  NoiseCauseFound c;
  c.kind = NoiseCause::bimodal;
  const std::vector<double> low(logs.begin(), logs.begin() + static_cast<std::ptrdiff_t>(best));
  const std::vector<double> high(logs.begin() + static_cast<std::ptrdiff_t>(best), logs.end());
  c.value = std::exp(median(high) - median(low));
  c.count = high.size();
  c.of = n;
  return c;
}

struct CounterCause {
  NoiseCause kind;
  const char* counter;
};
constexpr CounterCause kCounterCauses[] = {{NoiseCause::cpu_migrations, "cpu-migrations"},
                                           {NoiseCause::context_switches, "context-switches"}};

// The slowest process against the others, within the cell: a benchmark that starts threads
// migrates and switches by its nature, so only what the slow process had more of is a cause.
std::optional<NoiseCauseFound> counter_cause(const Cell& cell, const CounterCause& cause) {
  const auto* k = cell.counter(cause.counter);
  if (!k || k->per_iteration.empty()) return std::nullopt;
  const auto time = units_of(cell.time);
  if (time.value.size() < 2) return std::nullopt;
  const auto slowest = static_cast<size_t>(std::max_element(time.value.begin(), time.value.end()) - time.value.begin());
  const auto counts = units_of(k->per_iteration);
  std::optional<double> slow;
  std::vector<double> others;
  for (size_t i = 0; i < counts.process.size(); ++i) {
    if (counts.process[i] == time.process[slowest]) slow = counts.value[i];
    else others.push_back(counts.value[i]);
  }
  if (!slow || others.empty() || *slow < 1 || *slow <= 2.0 * median(others)) return std::nullopt;
  NoiseCauseFound c;
  c.kind = cause.kind;
  c.value = *slow;
  c.reference = median(others);
  c.process = time.process[slowest];
  return c;
}

std::vector<NoiseCauseFound> causes_of(const Cell& cell, double floor) {
  std::vector<NoiseCauseFound> out;
  const auto units = units_of(cell.time);
  if (auto c = outlying_process(units, floor)) out.push_back(*c);
  else if (auto b = bimodal(units, floor)) out.push_back(*b);
  const auto& s = *cell.time_stats;
  if (!s.outliers.empty()) {
    NoiseCauseFound c;
    c.kind = NoiseCause::outliers;
    c.count = s.outliers.size();
    c.of = s.n;
    out.push_back(c);
  }
  if (s.processes <= 3) {
    NoiseCauseFound c;
    c.kind = NoiseCause::few_processes;
    c.count = s.processes;
    out.push_back(c);
  }
  for (const auto& cause : kCounterCauses)
    if (auto c = counter_cause(cell, cause)) out.push_back(*c);
  return out;
}

// sqrt(median(chi2(df)) / df): the median of a sample CV from df + 1 values, in units of the
// true CV (0.83 at 3 processes, 0.96 at 10).
double cv_median_bias(size_t df) {
  const double d = static_cast<double>(df);
  return std::sqrt(chi2_quantile(d, 0.5) / d);
}

}  // namespace

std::optional<double> detectable_shift(size_t n, double alpha, double power) {
  static std::mutex mutex;
  static std::map<std::tuple<size_t, double, double>, double> known;
  const std::lock_guard lock(mutex);
  const auto key = std::tuple{n, alpha, power};
  if (auto it = known.find(key); it != known.end()) return it->second;
  const auto critical = mann_whitney_critical(n, n, alpha);
  if (!critical) return std::nullopt;
  if (n > kExactLimit) return asymptotic_shift(n, alpha, power);
  // With A ~ N(0, 1) and B ~ N(d, 1), the test is significant when U_A = #(a_i > b_j) <= c,
  // that is when d is at least the (c+1)-th largest difference a_i - z_j (b_j = z_j + d). So
  // each simulated pair of samples has its own smallest detectable d, and the shift that is
  // detected in `power` of them is their `power` quantile.
  Normals rng(0x5eed0000ULL + n);
  std::vector<double> smallest(kShiftTrials), a(n), z(n), diffs(n * n);
  for (size_t t = 0; t < kShiftTrials; ++t) {
    for (auto& x : a) x = rng.next();
    for (auto& x : z) x = rng.next();
    for (size_t i = 0; i < n; ++i)
      for (size_t j = 0; j < n; ++j) diffs[i * n + j] = a[i] - z[j];
    const size_t rank = n * n - 1 - *critical;  // ascending position of the (c+1)-th largest
    std::nth_element(diffs.begin(), diffs.begin() + static_cast<std::ptrdiff_t>(rank), diffs.end());
    smallest[t] = diffs[rank];
  }
  std::sort(smallest.begin(), smallest.end());
  const double shift = quantile_sorted(smallest, power);
  known[key] = shift;
  return shift;
}

std::optional<double> min_detectable_ratio(double cv, size_t n) {
  const auto shift = detectable_shift(n);
  if (!shift) return std::nullopt;
  return std::exp(*shift * log_sd(cv));
}

std::optional<size_t> processes_to_resolve(double cv, double ratio) {
  if (cv <= 0) return 4;  // the fewest with any verdict at 5 %
  const double needed = std::log(ratio) / log_sd(cv);
  auto resolves = [&](size_t n) {
    const auto shift = detectable_shift(n);
    return shift && *shift <= needed;
  };
  if (resolves(kExactLimit)) {
    size_t lo = 1, hi = kExactLimit;  // resolves(hi), !resolves(lo)
    while (hi - lo > 1) {
      const size_t mid = (lo + hi) / 2;
      (resolves(mid) ? hi : lo) = mid;
    }
    return hi;
  }
  // Beyond the exact sizes: solve the asymptotic formula for n.
  const double z = std::sqrt(std::numbers::pi / 3.0) * (normal_quantile(1.0 - kAlpha / 2.0) + normal_quantile(kNoisePower));
  const auto n = static_cast<size_t>(std::ceil(2.0 * (z / needed) * (z / needed)));
  if (n > 1000) return std::nullopt;
  return std::max(n, kExactLimit + 1);
}

size_t NoiseFloor::flagged() const {
  return static_cast<size_t>(std::count_if(cells.begin(), cells.end(), [](const CellNoise& c) { return c.flagged; }));
}

const CellNoise* NoiseFloor::find(const CellKey& key) const {
  for (const auto& c : cells)
    if (c.key == key) return &c;
  return nullptr;
}

const InterpreterNoise* NoiseFloor::interpreter(const std::string& label) const {
  for (const auto& i : interpreters)
    if (i.interpreter == label) return &i;
  return nullptr;
}

NoiseFloor measure_noise(const Cells& cells) {
  NoiseFloor out;
  // Each judged cell's CV in units of the true CV's typical estimate (bias-corrected), by interpreter.
  std::map<std::string, std::vector<double>> corrected, raw, within;
  std::vector<double> all;
  std::vector<double> processes;
  for (const auto& c : cells.cells) {
    if (!c.time_stats) continue;
    processes.push_back(static_cast<double>(c.time_stats->processes));
    if (c.time_stats->processes < 2) {
      ++out.unjudged;
      continue;
    }
    const double cv = c.time_stats->between_process_cv;
    const double v = cv / cv_median_bias(c.time_stats->processes - 1);
    corrected[c.key.interpreter].push_back(v);
    raw[c.key.interpreter].push_back(cv);
    within[c.key.interpreter].push_back(c.time_stats->within_process_cv);
    all.push_back(v);
  }
  if (!processes.empty()) out.processes = static_cast<size_t>(std::lround(median(processes)));
  if (all.empty()) return out;
  out.measured = true;
  out.floor_cv = median(all);
  for (const auto& i : cells.interpreters) {
    auto it = corrected.find(i.label());
    if (it == corrected.end()) continue;
    InterpreterNoise n;
    n.interpreter = i.label();
    n.cells = it->second.size();
    n.pooled = n.cells < kMinCellsForOwnFloor;
    n.floor_cv = n.pooled ? out.floor_cv : median(it->second);
    auto r = raw[i.label()];
    std::sort(r.begin(), r.end());
    n.p90_cv = quantile_sorted(r, 0.9);
    n.within_cv = median(within[i.label()]);
    out.interpreters.push_back(n);
  }
  for (const auto& c : cells.cells) {
    if (!c.time_stats || c.time_stats->processes < 2) continue;
    const auto* owner = out.interpreter(c.key.interpreter);
    CellNoise n;
    n.key = c.key;
    n.processes = c.time_stats->processes;
    n.between_cv = c.time_stats->between_process_cv;
    n.floor_cv = owner ? owner->floor_cv : out.floor_cv;
    n.threshold_cv = n.floor_cv * flag_multiple(n.processes - 1);
    n.flagged = n.between_cv > n.threshold_cv;
    if (n.flagged) n.causes = causes_of(c, n.floor_cv);
    out.cells.push_back(std::move(n));
  }
  out.min_detectable_ratio = min_detectable_ratio(out.floor_cv, out.processes);
  if (!out.min_detectable_ratio || *out.min_detectable_ratio > kResolveTarget)
    out.processes_to_resolve = processes_to_resolve(out.floor_cv);
  return out;
}

}  // namespace ftbench::analysis
