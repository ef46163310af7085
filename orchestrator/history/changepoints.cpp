#include "history/changepoints.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <functional>

namespace ftbench::history {
namespace {

// Sums of |x_i - x_j| over index rectangles in O(1), from a 2-D prefix sum of the distances.
class DistanceSums {
 public:
  DistanceSums(const std::vector<double>& x, size_t begin, size_t end) : n_(end - begin) {
    prefix_.assign((n_ + 1) * (n_ + 1), 0.0);
    for (size_t i = 0; i < n_; ++i)
      for (size_t j = 0; j < n_; ++j)
        at(i + 1, j + 1) = std::fabs(x[begin + i] - x[begin + j]) + at(i, j + 1) + at(i + 1, j) - at(i, j);
  }
  // sum over i in [a, b), j in [c, d), indices relative to `begin`
  double sum(size_t a, size_t b, size_t c, size_t d) const { return get(b, d) - get(a, d) - get(b, c) + get(a, c); }

 private:
  double& at(size_t i, size_t j) { return prefix_[i * (n_ + 1) + j]; }
  double get(size_t i, size_t j) const { return prefix_[i * (n_ + 1) + j]; }
  size_t n_;
  std::vector<double> prefix_;
};

double mean_of(const std::vector<double>& v, size_t a, size_t b) {
  double s = 0;
  for (size_t i = a; i < b; ++i) s += v[i];
  return s / static_cast<double>(b - a);
}

}  // namespace

std::pair<size_t, double> best_energy_split(const std::vector<double>& values, size_t begin, size_t end,
                                            size_t min_segment) {
  const size_t n = end - begin;
  if (n < 2 * min_segment) return {0, 0};
  const DistanceSums d(values, begin, end);
  size_t best = 0;
  double best_q = -1;
  for (size_t t = min_segment; t + min_segment <= n; ++t) {
    const double m = static_cast<double>(t), k = static_cast<double>(n - t);
    // E = 2/(mk) sum_{i<t<=j} |x_i-x_j| - 1/C(m,2) sum_{i<i'<t} - 1/C(k,2) sum_{t<=j<j'}; the
    // within sums over full squares count each pair twice.
    const double between = d.sum(0, t, t, n) * 2.0 / (m * k);
    const double within_left = m > 1 ? d.sum(0, t, 0, t) / (m * (m - 1)) : 0.0;
    const double within_right = k > 1 ? d.sum(t, n, t, n) / (k * (k - 1)) : 0.0;
    const double q = (m * k / (m + k)) * (between - within_left - within_right);
    if (q > best_q) best_q = q, best = t;
  }
  return {begin + best, best_q};
}

double welch_p_value(const std::vector<double>& v, size_t begin, size_t split, size_t end) {
  const double n1 = static_cast<double>(split - begin), n2 = static_cast<double>(end - split);
  if (n1 < 2 || n2 < 2) return 1.0;
  const double m1 = mean_of(v, begin, split), m2 = mean_of(v, split, end);
  double s1 = 0, s2 = 0;
  for (size_t i = begin; i < split; ++i) s1 += (v[i] - m1) * (v[i] - m1);
  for (size_t i = split; i < end; ++i) s2 += (v[i] - m2) * (v[i] - m2);
  const double var1 = s1 / (n1 - 1), var2 = s2 / (n2 - 1);
  const double se2 = var1 / n1 + var2 / n2;
  if (se2 <= 0) return m1 == m2 ? 1.0 : 0.0;
  const double t = (m2 - m1) / std::sqrt(se2);
  const double df = se2 * se2 / ((var1 / n1) * (var1 / n1) / (n1 - 1) + (var2 / n2) * (var2 / n2) / (n2 - 1));
  const boost::math::students_t dist(std::max(1.0, df));
  return std::min(1.0, 2.0 * boost::math::cdf(boost::math::complement(dist, std::fabs(t))));
}

// A split's p: its Welch test times the number of positions it could have been chosen from
// (Bonferroni), since the chosen split is the most extreme of them; else noise at a series'
// ends passes for a step. The one p that is tested, stored and reported.
namespace {
double split_p_value(const std::vector<double>& v, size_t begin, size_t at, size_t end, size_t min_segment) {
  const double candidates = static_cast<double>(std::max<size_t>(1, end - begin + 1 - std::min(end - begin, 2 * min_segment)));
  return std::min(1.0, welch_p_value(v, begin, at, end) * candidates);
}
}  // namespace

std::vector<Split> find_change_points(const std::vector<double>& log_values, const ChangePointSettings& settings) {
  std::vector<Split> out;
  const double min_log = std::log1p(settings.min_effect);
  std::function<void(size_t, size_t)> split = [&](size_t begin, size_t end) {
    const auto [at, q] = best_energy_split(log_values, begin, end, settings.min_segment);
    if (q <= 0 || at == 0) return;
    const double p = split_p_value(log_values, begin, at, end, settings.min_segment);
    const double shift = mean_of(log_values, at, end) - mean_of(log_values, begin, at);
    if (p >= settings.alpha || std::fabs(shift) < min_log) return;
    split(begin, at);
    out.push_back({at, std::exp(shift), p});
    split(at, end);
  };
  split(0, log_values.size());
  // Each split's shift and test between its neighbouring segments (a top-level split first
  // saw whole halves that later splits divided).
  for (size_t k = 0; k < out.size(); ++k) {
    const size_t begin = k == 0 ? 0 : out[k - 1].index;
    const size_t end = k + 1 < out.size() ? out[k + 1].index : log_values.size();
    out[k].ratio = std::exp(mean_of(log_values, out[k].index, end) - mean_of(log_values, begin, out[k].index));
    out[k].p_value = split_p_value(log_values, begin, out[k].index, end, settings.min_segment);
  }
  return out;
}

}  // namespace ftbench::history
