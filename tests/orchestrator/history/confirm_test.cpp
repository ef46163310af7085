#include "history/confirm.h"

#include <gtest/gtest.h>

#include <cmath>

#include "../analysis/test_random.h"
#include "../test_support.h"
#include "nights.h"
#include "os/digest.h"

using namespace ftbench;
using namespace ftbench::history;
using ftbench::testing::make_night;
using ftbench::testing::NightSpec;
using ftbench::testing::Rng;
using ftbench::testing::TempDir;

namespace {

std::vector<double> units(Rng& rng, int n, double level, double sd = 0.02) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) out.push_back(level * std::exp(sd * rng.normal()));
  return out;
}

// A suspect 20 % slower tonight against 5 nights at 1000.
ConfirmationTarget suspect(Rng& rng, ConfirmMode mode) {
  ConfirmationTarget t;
  t.mode = mode;
  t.label = "3.13t";
  t.sha256 = "new";
  t.previous_sha256 = "old";
  for (int n = 0; n < 5; ++n) {
    t.nights.segment_units.push_back(units(rng, 5, 1000));
    t.nights.segment_values.push_back(1000);
  }
  t.nights.tonight_units = units(rng, 5, 1200);
  t.nights.tonight_value = 1200;
  t.tonight_processes = 5;
  t.suspect.ratio = 1.2;
  t.suspect.direction = Direction::slower;
  t.suspect.min_effect = 0.03;
  return t;
}

}  // namespace

TEST(Confirm, ExtraProcessesThatStaySlowConfirm) {
  Rng rng(1);
  const auto t = suspect(rng, ConfirmMode::extend_tonight);
  const auto j = judge(t, {}, units(rng, 10, 1200), 0.0, {});
  EXPECT_EQ(j.verdict, Verdict::confirmed) << j.how << " p=" << j.p;
  EXPECT_EQ(j.processes, 15);
  EXPECT_NEAR(j.ratio, 1.2, 0.05);
}

TEST(Confirm, ExtraProcessesBackAtTheOldLevelClear) {
  Rng rng(2);
  auto t = suspect(rng, ConfirmMode::extend_tonight);
  t.nights.tonight_units = units(rng, 5, 1050);  // tonight's first processes were a little slow
  t.nights.tonight_value = 1050;
  const auto j = judge(t, {}, units(rng, 20, 1000), 0.0, {});
  EXPECT_EQ(j.verdict, Verdict::cleared) << j.how << " ratio=" << j.ratio << " p=" << j.p;
}

TEST(Confirm, TheOldBinaryAgainstTonightsTheSameNight) {
  Rng rng(3);
  const auto t = suspect(rng, ConfirmMode::previous_binary);
  // The machine is 10 % slower tonight for both binaries: only the binaries' ratio counts.
  // Each draw is its own statement: the order of a call's arguments is unspecified (GCC and
  // clang differ), and the verdict must not depend on the compiler. Tonight's are drawn first.
  const auto tonight_slower = units(rng, 8, 1320);
  const auto slower = judge(t, units(rng, 8, 1100), tonight_slower, 0.0, {});
  EXPECT_EQ(slower.verdict, Verdict::confirmed);
  EXPECT_NEAR(slower.ratio, 1.2, 0.05);
  EXPECT_NE(slower.how.find("the same night"), std::string::npos);
  const auto tonight_same = units(rng, 8, 1100);
  const auto same = judge(t, units(rng, 8, 1100), tonight_same, 0.0, {});
  EXPECT_EQ(same.verdict, Verdict::cleared) << same.ratio;
}

TEST(Confirm, TooFewProcessesStayUndecided) {
  Rng rng(4);
  const auto t = suspect(rng, ConfirmMode::previous_binary);
  const auto tonight = units(rng, 2, 1150, 0.1);
  EXPECT_EQ(judge(t, units(rng, 2, 1000, 0.1), tonight, 0.0, {}).verdict, Verdict::undecided);
}

TEST(Confirm, PlansTheOldBinaryOnlyWhenItIsStillThereUnchanged) {
  TempDir dir;
  const auto old_binary = dir / "old-python3t";
  ftbench::testing::write_text(old_binary, "#!/bin/sh\n", true);
  const auto old_sha = *os::sha256_file(old_binary);
  auto store = HistoryStore::open(dir / "h.sqlite");
  auto night_with = [&](int day, const std::string& sha, const std::string& exe, double factor) {
    NightSpec spec{.day = day};
    spec.sha_313t = sha;
    const auto base = spec.level;
    spec.level = [=](const std::string& i, const std::string& b, int th) {
      return base(i, b, th) * (i == "3.13t" && b == "scaling/alpha" && th == 1 ? factor : 1.0);
    };
    auto n = make_night(spec);
    n.manifest().plan.interpreters[1].interpreter.executable = exe;
    n.manifest().plan.interpreters[1].interpreter.path = exe;
    store.ingest(n.manifest(), n.runs(), {"/r", "", false, ""});
    return n;
  };
  for (int d = 1; d <= 4; ++d) night_with(d, old_sha, old_binary.string(), 1.0);
  const auto tonight = night_with(5, "f00d", "/opt/new/python3t", 1.25);
  const auto detection = detect_night(store, store.night_by_run(tonight.manifest().run_id)->id, {});
  auto targets = plan_confirmation(store, detection, tonight.manifest(), {});
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].mode, ConfirmMode::previous_binary);
  EXPECT_EQ(targets[0].previous_executable, old_binary);
  EXPECT_EQ(targets[0].executable, "/opt/new/python3t");
  EXPECT_EQ(targets[0].tonight_processes, 5);
  EXPECT_EQ(targets[0].nights.segment_values.size(), 4u);

  ftbench::testing::write_text(old_binary, "#!/bin/sh\n# rebuilt in place\n", true);  // no longer that binary
  targets = plan_confirmation(store, detection, tonight.manifest(), {});
  ASSERT_EQ(targets.size(), 1u);
  EXPECT_EQ(targets[0].mode, ConfirmMode::extend_tonight);
}
