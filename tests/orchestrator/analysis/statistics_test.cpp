#include "analysis/statistics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "test_random.h"

namespace ftbench::analysis {
namespace {

// Values spread round-robin over `processes` processes; 0: every value its own process.
Sample sample_of(const std::vector<double>& values, int processes = 0) {
  Sample s;
  for (size_t i = 0; i < values.size(); ++i)
    s.add(values[i], processes ? static_cast<int>(i) % processes : static_cast<int>(i));
  return s;
}

bool has_warning(const Summary& s, Instability kind) {
  return std::any_of(s.warnings.begin(), s.warnings.end(), [&](auto& w) { return w.kind == kind; });
}

TEST(Statistics, MedianAndQuantilesOfKnownSamples) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);
  const std::vector<double> sorted{1, 2, 3, 4, 5};
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.25), 2);    // type 7: 1 + 0.25 * 4 = position 2
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0.9), 4.6);   // between 4 and 5
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 0), 1);
  EXPECT_DOUBLE_EQ(quantile_sorted(sorted, 1), 5);
}

TEST(Statistics, MadOfKnownSample) {
  // |x - 2| = {1, 1, 0, 0, 2, 4, 7} -> median 1
  const std::vector<double> v{1, 1, 2, 2, 4, 6, 9};
  EXPECT_DOUBLE_EQ(mad(v, 2), 1);
}

TEST(Statistics, SummaryOfKnownSample) {
  const auto s = summarize(sample_of({10, 12, 11, 13, 14, 12, 11}), Quantity::count);
  EXPECT_EQ(s.n, 7u);
  EXPECT_EQ(s.processes, 7u);
  EXPECT_DOUBLE_EQ(s.median, 12);
  EXPECT_DOUBLE_EQ(s.mean, 83.0 / 7.0);
  EXPECT_DOUBLE_EQ(s.min, 10);
  EXPECT_DOUBLE_EQ(s.max, 14);
  EXPECT_DOUBLE_EQ(s.mad, 1);  // |x-12| = {2,0,1,1,2,0,1}
  // sample variance: sum (x - 83/7)^2 / 6
  double ss = 0;
  for (double x : {10, 12, 11, 13, 14, 12, 11}) ss += (x - 83.0 / 7.0) * (x - 83.0 / 7.0);
  EXPECT_NEAR(s.stdev, std::sqrt(ss / 6.0), 1e-12);
  EXPECT_TRUE(s.warnings.empty()) << "counts get no timing warnings";
}

// The process is the unit: the centre and its interval are over process medians, the spread
// (mean, stdev, min, max) over every value.
TEST(Statistics, CentreAndIntervalAreOverProcessMedians) {
  // processes 0: {10, 13, 11} -> 11; 1: {12, 14} -> 13; 2: {11, 12} -> 11.5
  const auto s = summarize(sample_of({10, 12, 11, 13, 14, 12, 11}, 3), Quantity::count);
  EXPECT_EQ(s.processes, 3u);
  EXPECT_DOUBLE_EQ(s.median, 11.5);
  EXPECT_DOUBLE_EQ(s.min, 10);
  EXPECT_DOUBLE_EQ(s.median_ci.low, 11);   // 3 units: [min, max] of the process medians, 75 %
  EXPECT_DOUBLE_EQ(s.median_ci.high, 13);
  EXPECT_NEAR(s.median_ci.confidence, 0.75, 1e-12);
  EXPECT_GT(s.between_process_cv, 0);
  EXPECT_GT(s.within_process_cv, 0);
  Sample one;
  for (double v : {5.0, 6.0, 7.0}) one.add(v, 0);
  EXPECT_EQ(one.unit_values(), std::vector<double>{6.0});
  const auto single = summarize(one, Quantity::count);  // one process: over its iterations
  EXPECT_DOUBLE_EQ(single.median, 6);
  EXPECT_DOUBLE_EQ(single.median_ci.low, 5);
  EXPECT_EQ(single.between_process_cv, 0);
}

TEST(Statistics, MedianIntervalRanksForSmallSamples) {
  // n = 20: P(B <= 5) = 0.0207 <= 0.025 < P(B <= 6) = 0.0577 -> [x_(6), x_(15)], 1 - 2 * 0.0207
  auto r = median_ci_ranks(20);
  EXPECT_EQ(r.lower, 6u);
  EXPECT_EQ(r.upper, 15u);
  EXPECT_NEAR(r.confidence, 1 - 2 * 21700.0 / 1048576.0, 1e-9);
  // n = 10: P(B <= 1) = 11/1024 -> [x_(2), x_(9)]
  r = median_ci_ranks(10);
  EXPECT_EQ(r.lower, 2u);
  EXPECT_EQ(r.upper, 9u);
  EXPECT_NEAR(r.confidence, 1 - 22.0 / 1024.0, 1e-12);
  // n = 6: the smallest n with a 95 % interval: [min, max], 1 - 2/64
  r = median_ci_ranks(6);
  EXPECT_EQ(r.lower, 1u);
  EXPECT_EQ(r.upper, 6u);
  EXPECT_NEAR(r.confidence, 1 - 2.0 / 64.0, 1e-12);
  // n = 5: no 95 % interval exists; [min, max] says its real confidence, 1 - 2/32
  r = median_ci_ranks(5);
  EXPECT_EQ(r.lower, 1u);
  EXPECT_EQ(r.upper, 5u);
  EXPECT_NEAR(r.confidence, 0.9375, 1e-12);
  r = median_ci_ranks(1);
  EXPECT_EQ(r.lower, 1u);
  EXPECT_EQ(r.upper, 1u);
  EXPECT_NEAR(r.confidence, 0.0, 1e-12);
}

TEST(Statistics, MedianIntervalForLargeSampleMatchesNormalApproximation) {
  // For large n the ranks approach n/2 -/+ 1.96 sqrt(n)/2.
  const auto r = median_ci_ranks(1000);
  EXPECT_NEAR(static_cast<double>(r.lower), 500 - 1.96 * std::sqrt(1000.0) / 2, 2);
  EXPECT_NEAR(static_cast<double>(r.upper), 501 + 1.96 * std::sqrt(1000.0) / 2, 2);
  EXPECT_GE(r.confidence, 0.95);
}

TEST(Statistics, MedianIntervalCoversTheTrueMedianAtTheNominalRate) {
  // 2000 samples of n = 20 from Exp(1), whose median is ln 2. The exact coverage of
  // [x_(6), x_(15)] is 0.9586; a fixed seed makes the result reproducible.
  testing::Rng rng(20261128);
  const double true_median = std::log(2.0);
  int covered = 0;
  const int trials = 2000;
  for (int t = 0; t < trials; ++t) {
    Sample s;
    for (int i = 0; i < 20; ++i) s.add(rng.exponential(), i);  // independent: each its own process
    if (summarize(s, Quantity::count).median_ci.contains(true_median)) ++covered;
  }
  const double coverage = covered / static_cast<double>(trials);
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
}

TEST(Statistics, OutliersByModifiedZScore) {
  const std::vector<double> v{10, 10.1, 9.9, 10, 10.2, 9.8, 10, 30};
  const auto s = summarize(sample_of(v), Quantity::count);
  ASSERT_EQ(s.outliers.size(), 1u);
  EXPECT_EQ(s.outliers[0], 7u);
  // median 10, MAD 0.1: z(30) = 0.6745 * 20 / 0.1
  EXPECT_NEAR(modified_z_scores(v)[7], 0.6745 * 20 / 0.1, 1e-9);
}

TEST(Statistics, OutliersWhenMadIsZeroUseTheMeanAbsoluteDeviation) {
  // Over half the values equal: MAD = 0. mean |x - 5| = 96/7, scaled by 1.2533.
  const std::vector<double> v{5, 5, 5, 5, 5, 6, 100};
  const auto z = modified_z_scores(v);
  EXPECT_NEAR(z[6], 95 / (1.253314 * 96.0 / 7.0), 1e-9);
  EXPECT_LT(std::fabs(z[5]), kOutlierZ);
  const auto s = summarize(sample_of(v), Quantity::count);
  ASSERT_EQ(s.outliers.size(), 1u);
  EXPECT_EQ(s.outliers[0], 6u);
  // All equal: nothing is an outlier, nothing divides by zero.
  for (double zi : modified_z_scores(std::vector<double>{3, 3, 3})) EXPECT_EQ(zi, 0);
}

TEST(Statistics, PyperfStabilityRules) {
  // stdev >= 10 % of the mean
  auto s = summarize(sample_of({10e6, 14e6, 8e6, 12e6, 9e6, 15e6, 10e6}), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::high_stdev));
  // a maximum 50 % above the mean
  s = summarize(sample_of({10e6, 10e6, 10e6, 10e6, 10e6, 10e6, 10e6, 10e6, 10e6, 25e6}), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::extreme_value));
  // shortest value under 1 ms
  s = summarize(sample_of({0.5e6, 0.5e6, 0.5e6, 0.5e6, 0.5e6, 0.5e6}), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::too_short));
  EXPECT_FALSE(has_warning(s, Instability::high_stdev));
  // one process only
  s = summarize(sample_of({10e6, 10.1e6, 9.9e6, 10e6, 10e6, 10.1e6}, 1), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::single_process));
  // fewer than 6 processes, however many iterations: no 95 % interval over the units
  s = summarize(sample_of({10e6, 10.1e6, 9.9e6, 10e6, 10e6, 10.1e6, 10e6, 10.1e6, 9.9e6}, 3), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::too_few_values));
  s = summarize(sample_of({10e6, 10.1e6, 9.9e6, 10e6, 10e6, 10.1e6}, 1), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::single_process));
  // fewer than 6 values
  s = summarize(sample_of({10e6, 10.1e6, 9.9e6}), Quantity::duration_ns);
  EXPECT_TRUE(has_warning(s, Instability::too_few_values));
  // a stable sample from three processes with nearly equal means: no warning
  s = summarize(sample_of({100e6, 100.1e6, 99.9e6, 100e6, 100.05e6, 99.95e6, 100e6, 100.1e6, 99.9e6}),
                Quantity::duration_ns);
  EXPECT_TRUE(s.warnings.empty()) << util::name(s.warnings.front().kind);
  // per-operation times are judged through their iteration times: no warnings of their own
  s = summarize(sample_of({50, 50, 50, 50, 50, 50}), Quantity::duration_per_op_ns);
  EXPECT_TRUE(s.warnings.empty());
}

TEST(Statistics, RequiredProcessesFollowsPyperfFormula) {
  // process means 100, 102, 98 -> sd 2, mean 100: ceil((1.96 * 2 / 1)^2) = 16
  Sample s;
  for (int p = 0; p < 3; ++p)
    for (int i = 0; i < 3; ++i) s.add(100.0 + 2.0 * (p == 1) - 2.0 * (p == 2), p);
  auto n = required_processes(s);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(*n, 16u);
  auto summary = summarize(s, Quantity::duration_ns);
  EXPECT_TRUE(has_warning(summary, Instability::too_few_processes));
}

}  // namespace
}  // namespace ftbench::analysis
