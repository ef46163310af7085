#include "history/changepoints.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../analysis/test_random.h"

using namespace ftbench::history;
using ftbench::testing::Rng;

namespace {

// Logs of nightly values: `n` nights of lognormal noise `sd` around 1, times `step` from `at`.
std::vector<double> series(Rng& rng, size_t n, double sd, size_t at = SIZE_MAX, double step = 1.0) {
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) out.push_back(sd * rng.normal() + (i >= at ? std::log(step) : 0.0));
  return out;
}

}  // namespace

TEST(ChangePoints, FindsOneStepWhereItIs) {
  Rng rng(7);
  const auto values = series(rng, 60, 0.02, 30, 1.10);
  const auto splits = find_change_points(values);
  ASSERT_EQ(splits.size(), 1u);
  EXPECT_NEAR(static_cast<double>(splits[0].index), 30.0, 1.0);
  EXPECT_NEAR(splits[0].ratio, 1.10, 0.02);
  EXPECT_LT(splits[0].p_value, 0.001);
}

TEST(ChangePoints, FindsAStepAndItsRecovery) {
  Rng rng(11);
  auto values = series(rng, 90, 0.02, 30, 1.10);
  for (size_t i = 60; i < values.size(); ++i) values[i] -= std::log(1.10);  // fixed on night 60
  const auto splits = find_change_points(values);
  ASSERT_EQ(splits.size(), 2u);
  EXPECT_NEAR(static_cast<double>(splits[0].index), 30.0, 1.0);
  EXPECT_GT(splits[0].ratio, 1.05);
  EXPECT_NEAR(static_cast<double>(splits[1].index), 60.0, 1.0);
  EXPECT_LT(splits[1].ratio, 0.95);
}

TEST(ChangePoints, ASlowDriftThatNoSingleNightShowsIsFound) {
  Rng rng(3);
  std::vector<double> values;
  for (size_t i = 0; i < 80; ++i) values.push_back(0.02 * rng.normal() + (i >= 20 ? 0.0025 * static_cast<double>(i - 20) : 0));
  const auto splits = find_change_points(values);  // 0.25 % a night: 15 % over 60 nights
  ASSERT_FALSE(splits.empty());
  EXPECT_GT(splits.front().ratio, 1.0);
}

TEST(ChangePoints, NoiseAloneRarelySplits) {
  // alpha 0.001 per kept split, recursion included: over 200 noise-only series of a year,
  // a split in at most a few percent of them.
  Rng rng(5);
  int series_with_split = 0;
  for (int k = 0; k < 200; ++k)
    if (!find_change_points(series(rng, 365, 0.03)).empty()) ++series_with_split;
  EXPECT_LE(series_with_split, 10) << "of 200 noise-only series";
}

TEST(ChangePoints, StepsBelowTheMinimumEffectAreNotReported) {
  Rng rng(13);
  const auto values = series(rng, 200, 0.002, 100, 1.01);  // a clear but 1 % step
  EXPECT_TRUE(find_change_points(values, {0.001, 0.02, 3}).empty());
  EXPECT_EQ(find_change_points(values, {0.001, 0.005, 3}).size(), 1u);
}

TEST(ChangePoints, ShortSeriesHaveNone) {
  EXPECT_TRUE(find_change_points({}).empty());
  EXPECT_TRUE(find_change_points({0.0, 0.1, 0.0, 0.5, 0.5}).empty());
}

TEST(ChangePoints, WelchTestKnownAnswer) {
  // Means 0 and 1, each group's variance 10/9 (n = 10): t = 2.1213, df = 18, p = 0.0480.
  const std::vector<double> v{-1, 1, -1, 1, -1, 1, -1, 1, -1, 1, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2};
  EXPECT_NEAR(welch_p_value(v, 0, 10, 20), 0.0480, 0.001);
}
