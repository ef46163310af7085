#pragma once
// Two-sample inference for "is B different from A, and by what factor": the Mann-Whitney U
// test (valid for unequal sizes, no normality assumed) and the matching distribution-free
// interval for the ratio of the two distributions (Hodges-Lehmann / Moses, on log values).
// Test and interval come from the same null distribution of U, so "n.s." and "the interval
// contains 1" agree. docs/reports.md explains the choice over pyperf's t-test and a bootstrap.

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "analysis/statistics.h"
#include "util/enum_names.h"

namespace ftbench::analysis {

struct MannWhitney {
  double u = 0;        // U of the first sample: #(a > b) + 0.5 #(a == b) over all pairs
  double z = 0;        // normal score (0 for the exact test)
  double p_value = 1;  // two-sided
  bool exact = false;  // exact null distribution (no ties, both n <= kExactLimit)
};

// Exact p-values are computed when there are no ties and both samples have at most this many
// values; beyond that the normal approximation (with tie and continuity correction) is within
// 0.001 of exact.
inline constexpr size_t kExactLimit = 50;

MannWhitney mann_whitney(std::span<const double> a, std::span<const double> b);

// The smallest two-sided p-value the exact test can give for sizes (m, n): 2 / C(m+n, m).
double min_p_value(size_t m, size_t n);

// P(U <= u) under H0 for sample sizes (m, n), no ties: the exact null distribution.
double mann_whitney_cdf(size_t m, size_t n, size_t u);

// The largest U of the first sample that mann_whitney calls significant at `alpha` for sizes
// (m, n) without ties (exact distribution up to kExactLimit, the normal approximation beyond);
// nullopt when no outcome is.
std::optional<size_t> mann_whitney_critical(size_t m, size_t n, double alpha = kAlpha);

// Direction of a significant difference of B relative to A.
enum class Change { none, lower, higher };
inline constexpr util::EnumName<Change> kChangeNames[] = {
    {Change::none, "none"}, {Change::lower, "lower"}, {Change::higher, "higher"}};
constexpr std::span<const util::EnumName<Change>> enum_names(Change) { return kChangeNames; }

// B relative to A on one positive metric (a time, a count per operation).
struct RatioEstimate {
  size_t n_a = 0;
  size_t n_b = 0;
  double median_a = 0;
  double median_b = 0;
  double ratio = 0;        // median(B) / median(A): the headline number
  double hodges_lehmann = 0;  // exp(median of log b_j - log a_i): the interval's own centre
  Interval ci;             // for the ratio of B's scale to A's (exp of the Moses interval)
  MannWhitney test;
  double min_p_value = 0;  // the smallest p any outcome of these sizes could give
  bool insufficient = false;  // min_p_value >= alpha: no difference could be significant
  bool significant = false;  // p < kAlpha
  Change change = Change::none;
  bool valid = false;      // false when a sample is empty or holds a value <= 0
};

// Compares positive values; non-positive values make the estimate invalid (a ratio of times
// or of counts per operation has no meaning there). Callers pass one value per process (the
// unit, Sample::unit_values()), never pooled iterations.
RatioEstimate compare_samples(std::span<const double> a, std::span<const double> b, double alpha = kAlpha);

// Standard normal upper quantile and survival function, used by the approximations.
double normal_quantile(double p);
double normal_sf(double z);

}  // namespace ftbench::analysis
