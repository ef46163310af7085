#include "analysis/statistics.h"

#include <boost/math/distributions/binomial.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <map>
#include <set>

namespace ftbench::analysis {
namespace {

// P(Binomial(n, 1/2) = j).
double binomial_half_pmf(size_t n, size_t j) {
  return boost::math::pdf(boost::math::binomial_distribution<double>(static_cast<double>(n), 0.5), static_cast<double>(j));
}

std::vector<double> sorted_copy(std::span<const double> values) {
  std::vector<double> s(values.begin(), values.end());
  std::sort(s.begin(), s.end());
  return s;
}

}  // namespace

double median_sorted(std::span<const double> sorted) { return quantile_sorted(sorted, 0.5); }

double quantile_sorted(std::span<const double> sorted, double p) {
  if (sorted.empty()) return 0;
  const double h = p * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(h));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return median_sorted(values);
}

double mad(std::span<const double> values, double centre) {
  std::vector<double> dev;
  dev.reserve(values.size());
  for (double v : values) dev.push_back(std::fabs(v - centre));
  return median(std::move(dev));
}

RankInterval median_ci_ranks(size_t n, double confidence) {
  if (n == 0) return {0, 0, 0};
  const double tail = (1.0 - confidence) / 2.0;
  // Walk the lower tail: [x_(k), x_(n+1-k)] misses the median with probability 2 P(B <= k-1).
  double cdf = 0;
  size_t k = 0;
  double achieved_tail = 0;
  for (size_t j = 0; j < n; ++j) {
    const double next = cdf + binomial_half_pmf(n, j);
    if (next > tail) break;
    cdf = next;
    k = j + 1;
    achieved_tail = cdf;
  }
  if (k == 0) return {1, n, 1.0 - 2.0 * binomial_half_pmf(n, 0)};  // too few values for `confidence`
  return {k, n + 1 - k, 1.0 - 2.0 * achieved_tail};
}

std::vector<double> modified_z_scores(std::span<const double> values) {
  std::vector<double> z(values.size(), 0.0);
  if (values.empty()) return z;
  const auto sorted = sorted_copy(values);
  const double m = median_sorted(sorted);
  const double raw_mad = mad(values, m);
  double scale = 0;
  if (raw_mad > 0) {
    scale = raw_mad / 0.6745;
  } else {
    double mean_ad = 0;
    for (double v : values) mean_ad += std::fabs(v - m);
    mean_ad /= static_cast<double>(values.size());
    scale = 1.253314 * mean_ad;
  }
  if (scale <= 0) return z;
  for (size_t i = 0; i < values.size(); ++i) z[i] = (values[i] - m) / scale;
  return z;
}

size_t Sample::process_count() const { return std::set<int>(process.begin(), process.end()).size(); }

std::vector<double> Sample::unit_values() const {
  std::map<int, std::vector<double>> by_process;
  for (size_t i = 0; i < values.size(); ++i) by_process[process[i]].push_back(values[i]);
  std::vector<double> units;
  units.reserve(by_process.size());
  for (auto& [id, v] : by_process) units.push_back(median(std::move(v)));
  return units;
}

double coefficient_of_variation(std::span<const double> values) {
  if (values.size() < 2) return 0;
  const double n = static_cast<double>(values.size());
  const double mean = std::accumulate(values.begin(), values.end(), 0.0) / n;
  if (mean == 0) return 0;
  double ss = 0;
  for (double v : values) ss += (v - mean) * (v - mean);
  return std::sqrt(ss / (n - 1)) / std::fabs(mean);
}

double Summary::relative_ci_half_width() const {
  if (median == 0) return 0;
  return (median_ci.high - median_ci.low) / 2.0 / std::fabs(median);
}

std::optional<size_t> required_processes(const Sample& sample) {
  std::vector<int> ids = sample.process;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  if (ids.size() < 2) return std::nullopt;
  std::vector<double> means;
  for (int id : ids) {
    double sum = 0;
    size_t count = 0;
    for (size_t i = 0; i < sample.values.size(); ++i)
      if (sample.process[i] == id) sum += sample.values[i], ++count;
    means.push_back(sum / static_cast<double>(count));
  }
  const double k = static_cast<double>(means.size());
  const double mean = std::accumulate(means.begin(), means.end(), 0.0) / k;
  if (mean <= 0) return std::nullopt;
  double ss = 0;
  for (double m : means) ss += (m - mean) * (m - mean);
  const double sd = std::sqrt(ss / (k - 1));
  const double needed = std::ceil(std::pow(1.96 * sd / (0.01 * mean), 2));
  return static_cast<size_t>(std::max(1.0, needed));
}

Summary summarize(const Sample& sample, Quantity quantity) {
  Summary s;
  const auto& values = sample.values;
  s.n = values.size();
  s.processes = sample.process_count();
  if (values.empty()) return s;
  const auto sorted = sorted_copy(values);
  const double n = static_cast<double>(s.n);
  // The centre and its interval: over process medians (the unit) when there are several.
  const auto units = s.processes >= 2 ? sorted_copy(sample.unit_values()) : sorted;
  s.median = median_sorted(units);
  s.mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / n;
  double ss = 0;
  for (double v : sorted) ss += (v - s.mean) * (v - s.mean);
  s.stdev = s.n > 1 ? std::sqrt(ss / (n - 1)) : 0.0;
  s.mad = mad(values, s.median);
  s.min = sorted.front();
  s.max = sorted.back();
  s.q1 = quantile_sorted(sorted, 0.25);
  s.q3 = quantile_sorted(sorted, 0.75);
  const auto ranks = median_ci_ranks(units.size());
  s.median_ci = {units[ranks.lower - 1], units[ranks.upper - 1], ranks.confidence};
  if (s.processes >= 2) {
    s.between_process_cv = coefficient_of_variation(units);
    std::map<int, std::vector<double>> by_process;
    for (size_t i = 0; i < values.size(); ++i) by_process[sample.process[i]].push_back(values[i]);
    std::vector<double> cvs;
    for (const auto& [id, v] : by_process)
      if (v.size() >= 2) cvs.push_back(coefficient_of_variation(v));
    if (!cvs.empty()) s.within_process_cv = median(std::move(cvs));
  }
  const auto z = modified_z_scores(values);
  for (size_t i = 0; i < z.size(); ++i)
    if (std::fabs(z[i]) > kOutlierZ) s.outliers.push_back(i);

  // pyperf's stability rules are about measured timings; a counter that is mostly 0
  // (cpu-migrations) would trip every one of them without meaning anything, and a time per
  // operation is judged through the iteration time it was derived from.
  if (quantity != Quantity::duration_ns) return s;
  auto warn = [&](Instability kind, double value, double reference) { s.warnings.push_back({kind, value, reference}); };
  if (s.n >= 2 && s.mean > 0) {
    if (s.stdev / s.mean >= 0.10) {
      warn(Instability::high_stdev, s.stdev, s.mean);
    } else if (s.processes >= 2) {
      // pyperf only asks for more processes when the spread is otherwise acceptable.
      if (auto needed = required_processes(sample); needed && *needed > s.processes)
        warn(Instability::too_few_processes, static_cast<double>(s.processes), static_cast<double>(*needed));
    }
  }
  if (s.mean > 0)
    for (double v : {s.min, s.max})
      if (std::fabs((v - s.mean) / s.mean) >= 0.5) warn(Instability::extreme_value, v, s.mean);
  if (s.min < 1e6) warn(Instability::too_short, s.min, 1e6);
  if (s.processes == 1) warn(Instability::single_process, 1, 0);
  if (units.size() < 6) warn(Instability::too_few_values, static_cast<double>(units.size()), s.median_ci.confidence);
  return s;
}

}  // namespace ftbench::analysis
