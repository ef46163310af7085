#include "analysis/significance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_random.h"

namespace ftbench::analysis {
namespace {

using testing::Rng;

TEST(MannWhitney, HandComputedExampleWithTies) {
  // a = {1, 2, 2, 4}, b = {2, 3, 5}. Pooled mid-ranks: 1->1, 2,2,2->3, 3->5, 4->6, 5->7.
  // R_a = 1 + 3 + 3 + 6 = 13, U_a = 13 - 4*5/2 = 3 (= #(a > b) + 0.5 #(a == b) = 2 + 0.5 + 0.5).
  // Ties: one group of 3 -> var = 4*3/12 * (8 - 24/42) = 7.428571; z = -(|3 - 6| - 0.5)/sqrt(var).
  const std::vector<double> a{1, 2, 2, 4}, b{2, 3, 5};
  const auto r = mann_whitney(a, b);
  EXPECT_DOUBLE_EQ(r.u, 3);
  EXPECT_FALSE(r.exact) << "ties force the normal approximation";
  const double z = -2.5 / std::sqrt(8.0 - 24.0 / 42.0);
  EXPECT_NEAR(r.z, z, 1e-12);
  EXPECT_NEAR(r.p_value, 2 * normal_sf(std::fabs(z)), 1e-12);
  EXPECT_NEAR(r.p_value, 0.3590, 5e-4);
}

TEST(MannWhitney, ExactNullDistribution) {
  // m = n = 3: 20 equally likely arrangements; U = 0 in exactly one.
  EXPECT_NEAR(mann_whitney_cdf(3, 3, 0), 1.0 / 20, 1e-15);
  EXPECT_NEAR(mann_whitney_cdf(3, 3, 1), 2.0 / 20, 1e-15);
  EXPECT_NEAR(mann_whitney_cdf(3, 3, 9), 1.0, 1e-15);
  // m = 2, n = 4: counts of U = 0..8 are 1,1,2,2,3,2,2,1,1 over C(6,2) = 15.
  EXPECT_NEAR(mann_whitney_cdf(2, 4, 4), 9.0 / 15, 1e-15);
  // Complete separation of 3 vs 3: exact two-sided p = 2/20.
  const auto r = mann_whitney(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6});
  EXPECT_TRUE(r.exact);
  EXPECT_DOUBLE_EQ(r.u, 0);
  EXPECT_NEAR(r.p_value, 0.1, 1e-12);
}

TEST(MannWhitney, NormalQuantileInvertsTheSurvivalFunction) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-9);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-12);
  for (double p : {0.001, 0.01, 0.2, 0.7, 0.999}) EXPECT_NEAR(1 - normal_sf(normal_quantile(p)), p, 1e-10);
}

double rejection_rate(Rng& rng, int trials, size_t m, size_t n, double shift, double round_to = 0) {
  int rejected = 0;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> a, b;
    for (size_t i = 0; i < m; ++i) a.push_back(rng.normal());
    for (size_t i = 0; i < n; ++i) b.push_back(rng.normal() + shift);
    if (round_to > 0) {
      for (auto& x : a) x = std::round(x / round_to) * round_to;
      for (auto& x : b) x = std::round(x / round_to) * round_to;
    }
    if (mann_whitney(a, b).p_value < kAlpha) ++rejected;
  }
  return rejected / static_cast<double>(trials);
}

TEST(MannWhitney, FalsePositiveRateOnIdenticalDistributionsIsNominal) {
  Rng rng(7);
  // Equal sizes, exact test.
  const double exact = rejection_rate(rng, 2000, 15, 15, 0.0);
  EXPECT_GE(exact, 0.03);
  EXPECT_LE(exact, 0.07);
  // Unequal sizes (where pyperf's t-test goes wrong), with ties: the normal approximation.
  const double approx = rejection_rate(rng, 2000, 60, 12, 0.0, 0.05);
  EXPECT_GE(approx, 0.03);
  EXPECT_LE(approx, 0.07);
}

TEST(MannWhitney, DetectsAClearShift) {
  Rng rng(11);
  EXPECT_GE(rejection_rate(rng, 500, 20, 20, 1.5), 0.95);
  EXPECT_GE(rejection_rate(rng, 500, 40, 10, 1.5), 0.90);
}

TEST(RatioEstimate, TwiceAsSlowIsSignificantWithRatioNearTwo) {
  Rng rng(3);
  std::vector<double> a, b;
  for (int i = 0; i < 15; ++i) a.push_back(rng.lognormal(100.0, 0.03));
  for (int i = 0; i < 15; ++i) b.push_back(rng.lognormal(200.0, 0.03));
  const auto r = compare_samples(a, b);
  ASSERT_TRUE(r.valid);
  EXPECT_NEAR(r.ratio, 2.0, 0.05);
  EXPECT_TRUE(r.significant);
  EXPECT_EQ(r.change, Change::higher);
  EXPECT_TRUE(r.ci.contains(2.0)) << r.ci.low << " " << r.ci.high;
  EXPECT_GT(r.ci.low, 1.0);
  EXPECT_GE(r.ci.confidence, 0.95);
  EXPECT_NEAR(r.hodges_lehmann, 2.0, 0.05);
}

TEST(RatioEstimate, SameDistributionIsNotSignificantAndTheIntervalContainsOne) {
  Rng rng(5);
  std::vector<double> a, b;
  for (int i = 0; i < 15; ++i) a.push_back(rng.lognormal(100.0, 0.03));
  for (int i = 0; i < 15; ++i) b.push_back(rng.lognormal(100.0, 0.03));
  const auto r = compare_samples(a, b);
  ASSERT_TRUE(r.valid);
  EXPECT_FALSE(r.significant);
  EXPECT_EQ(r.change, Change::none);
  EXPECT_TRUE(r.ci.contains(1.0));
}

TEST(RatioEstimate, IntervalCoversTheTrueRatioAtTheNominalRate) {
  // B = 1.3 x A in distribution (a scale model); the Moses interval should cover 1.3 in about
  // 95 % of repetitions (at least, as it is exact and conservative without ties).
  Rng rng(99);
  int covered = 0;
  const int trials = 1000;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> a, b;
    for (int i = 0; i < 12; ++i) a.push_back(rng.lognormal(100.0, 0.1));
    for (int i = 0; i < 18; ++i) b.push_back(rng.lognormal(130.0, 0.1));
    if (compare_samples(a, b).ci.contains(1.3)) ++covered;
  }
  const double coverage = covered / static_cast<double>(trials);
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.98);
}

TEST(RatioEstimate, InvalidInputsAreNotCompared) {
  EXPECT_FALSE(compare_samples(std::vector<double>{}, std::vector<double>{1.0}).valid);
  EXPECT_FALSE(compare_samples(std::vector<double>{1.0, 0.0}, std::vector<double>{1.0}).valid);
}

TEST(RatioEstimate, TinySamplesSayTheirRealConfidence) {
  // 2 vs 2 values: no 95 % interval exists; the widest has 1 - 2/6 confidence, and the test
  // can never be significant.
  const auto r = compare_samples(std::vector<double>{1.0, 1.1}, std::vector<double>{2.0, 2.1});
  ASSERT_TRUE(r.valid);
  EXPECT_FALSE(r.significant);
  EXPECT_NEAR(r.ci.confidence, 1 - 2.0 / 6.0, 1e-12);
  EXPECT_NEAR(r.ci.low, 2.0 / 1.1, 1e-12);
  EXPECT_NEAR(r.ci.high, 2.1 / 1.0, 1e-12);
}

}  // namespace
}  // namespace ftbench::analysis
