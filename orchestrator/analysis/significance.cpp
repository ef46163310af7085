#include "analysis/significance.h"

#include <boost/math/distributions/normal.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace ftbench::analysis {
namespace {

// Exact null distribution of U for sizes (m, n) without ties, as probabilities. Built with
// the recursion p(i, j, u) = i/(i+j) p(i-1, j, u-j) + j/(i+j) p(i, j-1, u) (the largest value
// is from A with probability i/(i+j), and then beats all j values of B): only additions of
// positive numbers, so the tails stay accurate, unlike the polynomial-division shortcut.
std::vector<double> u_distribution(size_t m, size_t n) {
  // One flat buffer per i: p(i, j, .) for j = 0..n, each of length i*j + 1, back to back.
  auto offsets = [n](size_t i) {
    std::vector<size_t> off(n + 2, 0);
    for (size_t j = 0; j <= n; ++j) off[j + 1] = off[j] + i * j + 1;
    return off;
  };
  auto prev_off = offsets(0);
  std::vector<double> prev(prev_off[n + 1], 1.0);  // i = 0: U = 0 surely, for every j
  for (size_t i = 1; i <= m; ++i) {
    const auto off = offsets(i);
    std::vector<double> cur(off[n + 1], 0.0);
    cur[off[0]] = 1.0;  // j = 0: U = 0 surely
    for (size_t j = 1; j <= n; ++j) {
      const double from_a = static_cast<double>(i) / static_cast<double>(i + j);
      const double from_b = 1.0 - from_a;
      const size_t len_a = (i - 1) * j + 1;  // p(i-1, j, .), shifted by j
      for (size_t u = 0; u < len_a; ++u) cur[off[j] + u + j] += from_a * prev[prev_off[j] + u];
      const size_t len_b = i * (j - 1) + 1;  // p(i, j-1, .)
      for (size_t u = 0; u < len_b; ++u) cur[off[j] + u] += from_b * cur[off[j - 1] + u];
    }
    prev = std::move(cur);
    prev_off = off;
  }
  return std::vector<double>(prev.begin() + static_cast<std::ptrdiff_t>(prev_off[n]), prev.end());
}

// The largest c with P(U <= c) <= tail, and that probability; c = -1 when even U = 0 is too
// likely (samples too small for the level).
struct CriticalValue {
  long long c = -1;
  double tail_probability = 0;  // P(U <= c)
};

CriticalValue exact_critical(const std::vector<double>& dist, double tail) {
  CriticalValue cv;
  double cdf = 0;
  for (size_t u = 0; u < dist.size(); ++u) {
    if (cdf + dist[u] > tail) break;
    cdf += dist[u];
    cv.c = static_cast<long long>(u);
    cv.tail_probability = cdf;
  }
  if (cv.c < 0) cv.tail_probability = dist.empty() ? 1 : dist[0];
  return cv;
}

CriticalValue normal_critical(size_t m, size_t n, double tail) {
  const double mn = static_cast<double>(m * n);
  const double sd = std::sqrt(mn * static_cast<double>(m + n + 1) / 12.0);
  // P(U <= c) ~ Phi((c + 0.5 - mn/2) / sd) <= tail
  const double c = std::floor(mn / 2.0 - 0.5 - normal_quantile(1.0 - tail) * sd);
  CriticalValue cv;
  cv.c = c < 0 ? -1 : static_cast<long long>(c);
  const double at = cv.c < 0 ? 0.0 : static_cast<double>(cv.c);
  cv.tail_probability = 1.0 - normal_sf((at + 0.5 - mn / 2.0) / sd);
  return cv;
}

bool has_ties(std::span<const double> a, std::span<const double> b) {
  std::vector<double> all(a.begin(), a.end());
  all.insert(all.end(), b.begin(), b.end());
  std::sort(all.begin(), all.end());
  return std::adjacent_find(all.begin(), all.end()) != all.end();
}

bool use_exact(std::span<const double> a, std::span<const double> b) {
  return a.size() <= kExactLimit && b.size() <= kExactLimit && !has_ties(a, b);
}

// k-th smallest (0-based) of v, reordering v.
double kth(std::vector<double>& v, size_t k) {
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

}  // namespace

double normal_sf(double z) {
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), z));
}

double normal_quantile(double p) {
  if (p <= 0) return -INFINITY;
  if (p >= 1) return INFINITY;
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

double mann_whitney_cdf(size_t m, size_t n, size_t u) {
  const auto dist = u_distribution(m, n);
  double cdf = 0;
  for (size_t i = 0; i <= u && i < dist.size(); ++i) cdf += dist[i];
  return std::min(1.0, cdf);
}

std::optional<size_t> mann_whitney_critical(size_t m, size_t n, double alpha) {
  if (m == 0 || n == 0) return std::nullopt;
  // Significant when the two-sided p is below alpha (strictly, as mann_whitney decides).
  const double tail = std::nextafter(alpha / 2.0, 0.0);
  const auto cv = m <= kExactLimit && n <= kExactLimit ? exact_critical(u_distribution(m, n), tail)
                                                       : normal_critical(m, n, tail);
  if (cv.c < 0) return std::nullopt;
  return static_cast<size_t>(cv.c);
}

MannWhitney mann_whitney(std::span<const double> a, std::span<const double> b) {
  MannWhitney r;
  const size_t m = a.size();
  const size_t n = b.size();
  if (m == 0 || n == 0) return r;
  // Mid-ranks over the pooled sample; U_a = R_a - m(m+1)/2.
  struct Item {
    double value;
    bool from_a;
  };
  std::vector<Item> pooled;
  pooled.reserve(m + n);
  for (double v : a) pooled.push_back({v, true});
  for (double v : b) pooled.push_back({v, false});
  std::sort(pooled.begin(), pooled.end(), [](const Item& x, const Item& y) { return x.value < y.value; });
  double rank_sum_a = 0;
  double tie_term = 0;  // sum of t^3 - t over tie groups
  for (size_t i = 0; i < pooled.size();) {
    size_t j = i;
    while (j < pooled.size() && pooled[j].value == pooled[i].value) ++j;
    const double mid_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2.0;
    for (size_t k = i; k < j; ++k)
      if (pooled[k].from_a) rank_sum_a += mid_rank;
    const double t = static_cast<double>(j - i);
    tie_term += t * t * t - t;
    i = j;
  }
  const double dm = static_cast<double>(m);
  const double dn = static_cast<double>(n);
  r.u = rank_sum_a - dm * (dm + 1) / 2.0;
  if (use_exact(a, b)) {
    r.exact = true;
    const auto dist = u_distribution(m, n);
    const auto u = static_cast<size_t>(std::llround(r.u));
    const size_t mirrored = m * n - u;  // P(U >= u) = P(U <= mn - u) by symmetry
    double lower = 0, upper = 0;
    for (size_t i = 0; i < dist.size(); ++i) {
      if (i <= u) lower += dist[i];
      if (i <= mirrored) upper += dist[i];
    }
    r.p_value = std::min(1.0, 2.0 * std::min(lower, upper));
    return r;
  }
  const double big_n = dm + dn;
  const double var = dm * dn / 12.0 * ((big_n + 1) - tie_term / (big_n * (big_n - 1)));
  if (var <= 0) return r;  // every value equal: no evidence of any difference
  const double diff = std::fabs(r.u - dm * dn / 2.0);
  r.z = std::max(0.0, diff - 0.5) / std::sqrt(var);
  if (r.u < dm * dn / 2.0) r.z = -r.z;
  r.p_value = std::min(1.0, 2.0 * normal_sf(std::fabs(r.z)));
  return r;
}

double min_p_value(size_t m, size_t n) {
  // 2 / C(m+n, m), built as a product so that it never overflows.
  double p = 2.0;
  for (size_t i = 1; i <= std::min(m, n); ++i)
    p *= static_cast<double>(i) / static_cast<double>(std::max(m, n) + i);
  return std::min(1.0, p);
}

RatioEstimate compare_samples(std::span<const double> a, std::span<const double> b, double alpha) {
  RatioEstimate e;
  e.n_a = a.size();
  e.n_b = b.size();
  if (a.empty() || b.empty()) return e;
  auto positive = [](double v) { return v > 0 && std::isfinite(v); };
  if (!std::all_of(a.begin(), a.end(), positive) || !std::all_of(b.begin(), b.end(), positive)) return e;
  e.valid = true;
  e.median_a = median(std::vector<double>(a.begin(), a.end()));
  e.median_b = median(std::vector<double>(b.begin(), b.end()));
  e.ratio = e.median_b / e.median_a;
  e.test = mann_whitney(a, b);
  e.min_p_value = min_p_value(a.size(), b.size());
  e.insufficient = e.min_p_value >= alpha;
  e.significant = e.test.p_value < alpha;
  const double half = static_cast<double>(a.size() * b.size()) / 2.0;
  if (e.significant) e.change = e.test.u > half ? Change::lower : Change::higher;

  // Moses interval: under B = r * A in distribution, log b - log a shifts by log r; the
  // ordered pairwise differences D_(c+1) .. D_(mn-c) cover log r with the test's confidence.
  std::vector<double> d;
  d.reserve(a.size() * b.size());
  for (double x : a)
    for (double y : b) d.push_back(std::log(y) - std::log(x));
  const size_t mn = d.size();
  const auto cv = use_exact(a, b) ? exact_critical(u_distribution(a.size(), b.size()), alpha / 2.0)
                                  : normal_critical(a.size(), b.size(), alpha / 2.0);
  const size_t lower_rank = cv.c < 0 ? 0 : static_cast<size_t>(cv.c);  // 0-based index of D_(c+1)
  const size_t upper_rank = mn - 1 - lower_rank;                         // 0-based index of D_(mn-c)
  e.ci.low = std::exp(kth(d, lower_rank));
  e.ci.high = std::exp(kth(d, upper_rank));
  e.ci.confidence = 1.0 - 2.0 * cv.tail_probability;  // below the target when cv.c < 0 (tiny samples)
  const double hl = mn % 2 == 1 ? kth(d, mn / 2) : (kth(d, mn / 2 - 1) + kth(d, mn / 2)) / 2.0;
  e.hodges_lehmann = std::exp(hl);
  return e;
}

}  // namespace ftbench::analysis
