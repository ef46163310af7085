#include "history/detect.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../analysis/test_random.h"
#include "../test_support.h"
#include "history/nightly.h"
#include "nights.h"

using namespace ftbench;
using namespace ftbench::history;
using ftbench::testing::make_night;
using ftbench::testing::NightSpec;
using ftbench::testing::Rng;
using ftbench::testing::TempDir;

namespace {

// `segment` nights of `processes` process values around 1000 (lognormal `sd`), and tonight's
// around 1000 * `ratio`.
SeriesNights nights_of(Rng& rng, int segment, int processes, double sd, double ratio, double night_sd = 0) {
  SeriesNights s;
  auto draw = [&](double level) {
    std::vector<double> units;
    const double shift = std::exp(night_sd * rng.normal());
    for (int p = 0; p < processes; ++p) units.push_back(level * shift * std::exp(sd * rng.normal()));
    return units;
  };
  for (int n = 0; n < segment; ++n) {
    s.segment_units.push_back(draw(1000));
    std::vector<double> sorted = s.segment_units.back();
    std::sort(sorted.begin(), sorted.end());
    s.segment_values.push_back(sorted[sorted.size() / 2]);
  }
  s.tonight_units = draw(1000 * ratio);
  std::vector<double> sorted = s.tonight_units;
  std::sort(sorted.begin(), sorted.end());
  s.tonight_value = sorted[sorted.size() / 2];
  return s;
}

NightDetection ingest_and_detect(HistoryStore& store, const ftbench::testing::SyntheticRun& night,
                                 const DetectionSettings& settings = {}) {
  const auto o = store.ingest(night.manifest(), night.runs(), {"/r/" + night.manifest().run_id, "", false, ""});
  return detect_night(store, o.night_id, settings);
}

}  // namespace

TEST(Detect, ATwentyPercentStepIsASuspectAndNoChangeIsNot) {
  Rng rng(1);
  const auto step = test_series(nights_of(rng, 10, 5, 0.03, 1.20), 0.0, {});
  EXPECT_GT(step.ratio, 1.12);
  EXPECT_EQ(step.direction, Direction::slower);
  EXPECT_LT(step.p, 0.001);
  EXPECT_LE(step.ci.low, step.ratio);
  const auto same = test_series(nights_of(rng, 10, 5, 0.03, 1.0), 0.0, {});
  EXPECT_GT(same.p, 0.01);
}

TEST(Detect, NightToNightNoiseWidensTheTestAndRaisesTheMinimumEffect) {
  Rng rng(2);
  // Tight processes, but nights that move 5 % on their own: a 6 % night is not evidence.
  const auto s = nights_of(rng, 15, 8, 0.005, 1.06, 0.05);
  EXPECT_GT(night_variance(s), 0.0005);
  const auto e = test_series(s, 0.0, {});
  EXPECT_LT(e.p_rank, 0.01) << "within the night the processes differ clearly";
  EXPECT_GT(e.p_nights, 0.05) << "but such a night is within the series' usual spread";
  EXPECT_GT(e.p, 0.05) << "the night's p is the larger of the two: not a suspect";
  EXPECT_GT(e.min_effect, 0.06);  // 2 night sds
}

TEST(Detect, BenjaminiHochbergKnownAnswer) {
  std::vector<Evidence> tested(4);
  const double p[] = {0.01, 0.02, 0.03, 0.5};
  for (size_t i = 0; i < 4; ++i) {
    tested[i].p = p[i];
    tested[i].ratio = 1.5;
  }
  apply_fdr(tested, {});
  EXPECT_NEAR(tested[0].q, 0.04, 1e-12);
  EXPECT_NEAR(tested[1].q, 0.04, 1e-12);
  EXPECT_NEAR(tested[2].q, 0.04, 1e-12);
  EXPECT_NEAR(tested[3].q, 0.5, 1e-12);
  EXPECT_TRUE(tested[0].suspect && tested[1].suspect && tested[2].suspect);
  EXPECT_FALSE(tested[3].suspect);
}

TEST(Detect, ASignificantChangeBelowTheMinimumEffectIsNotASuspect) {
  std::vector<Evidence> tested(1);
  tested[0].p = 1e-9;
  tested[0].ratio = 1.02;
  tested[0].min_effect = 0.03;
  apply_fdr(tested, {});
  EXPECT_FALSE(tested[0].suspect);
}

TEST(Detect, AStepInOneCellOfAStoredNightIsTheOnlySuspect) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  for (int d = 1; d <= 5; ++d) {
    const auto detection = ingest_and_detect(store, make_night({.day = d}));
    if (d <= 3) {
      EXPECT_TRUE(detection.tested.empty()) << "learning";
      EXPECT_EQ(detection.learning, 12u);
    } else {
      EXPECT_TRUE(detection.suspects().empty()) << "night " << d;
    }
  }
  NightSpec slower{.day = 6};
  const auto base = slower.level;
  slower.level = [base](const std::string& i, const std::string& b, int t) {
    return base(i, b, t) * (i == "3.13t" && b == "scaling/beta" && t == 2 ? 1.20 : 1.0);
  };
  const auto detection = ingest_and_detect(store, make_night(slower));
  EXPECT_EQ(detection.tested.size(), 12u);
  ASSERT_EQ(detection.suspects().size(), 1u);
  const auto& e = *detection.suspects().front();
  EXPECT_EQ(e.identity.interpreter, "3.13t");
  EXPECT_EQ(e.identity.benchmark, "scaling/beta");
  EXPECT_EQ(e.identity.threads, 2);
  EXPECT_NEAR(e.ratio, 1.20, 0.05);
  EXPECT_LE(e.q, 0.05);
  EXPECT_FALSE(detection.drift);
  // The free-threaded/default ratio of that cell moved too: a ratio shift, not a regression.
  bool ratio_moved = false;
  for (const auto& r : detection.ratio_shifts)
    if (r.identity.kind == SeriesKind::free_threading && r.identity.benchmark == "scaling/beta") ratio_moved = true;
  EXPECT_TRUE(ratio_moved);
}

TEST(Detect, AMachineThatRanSlowIsDriftAndACellMovingAgainstItStillStandsOut) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  for (int d = 1; d <= 5; ++d) ingest_and_detect(store, make_night({.day = d}));
  NightSpec slow{.day = 6};
  slow.night_shift = 1.15;
  const auto drift = ingest_and_detect(store, make_night(slow));
  ASSERT_TRUE(drift.drift);
  EXPECT_NEAR(drift.machine_factor, 1.15, 0.03);
  EXPECT_NE(drift.drift->find("slower"), std::string::npos) << *drift.drift;
  store.set_machine_factor(drift.night_id, drift.machine_factor);  // as the nightly job does
  EXPECT_TRUE(drift.suspects().empty()) << "drift, not 12 regressions";

  // The next night the machine is 10 % fast, and one cell is 20 % slower than its usual:
  // relative to the machine it moved +20 %, and only it.
  NightSpec fast{.day = 7};
  fast.night_shift = 0.90;
  const auto base = fast.level;
  fast.level = [base](const std::string& i, const std::string& b, int t) {
    return base(i, b, t) * (i == "3.13" && b == "scaling/alpha" && t == 1 ? 1.20 : 1.0);
  };
  const auto both = ingest_and_detect(store, make_night(fast));
  ASSERT_TRUE(both.drift);
  ASSERT_EQ(both.suspects().size(), 1u);
  EXPECT_EQ(both.suspects().front()->identity.benchmark, "scaling/alpha");
  EXPECT_NEAR(both.suspects().front()->ratio, 1.20, 0.06);
}

TEST(Detect, TheMachineShiftComesOnlyFromInterpretersThatDidNotChange) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  for (int d = 1; d <= 5; ++d) ingest_and_detect(store, make_night({.day = d}));
  // A new 3.13t binary, 15 % slower everywhere: 3.13's series say the machine did not move.
  NightSpec spec{.day = 6};
  spec.sha_313t = "d4d4d4d4d4d4d4d4d4d4";
  const auto base = spec.level;
  spec.level = [base](const std::string& i, const std::string& b, int t) {
    return base(i, b, t) * (i == "3.13t" || i == "3.13t+GIL" ? 1.15 : 1.0);
  };
  const auto d = ingest_and_detect(store, make_night(spec));
  EXPECT_FALSE(d.drift);
  EXPECT_NEAR(d.machine_factor, 1.0, 0.02);
  EXPECT_EQ(d.suspects().size(), 8u) << "every 3.13t and 3.13t+GIL cell";
}

TEST(Detect, TheSegmentStartsAtAnAnnotationSkipsExcludedNightsAndIsCapped) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  for (int d = 1; d <= 30; ++d) {
    const auto n = make_night({.day = d});
    store.ingest(n.manifest(), n.runs(), {"/r", "", d == 12, d == 12 ? "load" : ""});
  }
  const auto series = store.series().front();
  const auto points = store.points(series.id, false);
  const auto night_of = [&](int day) { return points[static_cast<size_t>(day - 1)].night_id; };
  auto segment = segment_before(store, series, points, night_of(30), 20);
  EXPECT_EQ(segment.size(), 20u);
  EXPECT_EQ(segment.front().night_id, night_of(9));  // 29 earlier nights, one excluded, the last 20
  store.add_annotation({0, series.machine_id, "*", night_of(25), "machine_change", "new RAM", ""});
  segment = segment_before(store, series, points, night_of(30), 20);
  ASSERT_EQ(segment.size(), 5u);
  EXPECT_EQ(segment.front().night_id, night_of(25));
  store.add_annotation({0, series.machine_id, "*", night_of(27), "note", "only a note", ""});
  EXPECT_EQ(segment_before(store, series, points, night_of(30), 20).size(), 5u);
}
