#include "history/nightly.h"

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

Preflight fit_machine() {
  Preflight p;
  p.usable_cpus = 8;
  p.load_per_cpu = 0.1;
  p.probe_spread = 0.01;
  return p;
}

// A nightly job on synthetic nights; the confirmation runner draws fresh processes at the
// level `confirm_level` says, and records what it was asked.
struct Nightly {
  TempDir dir;
  HistoryStore store = HistoryStore::open(dir / "h.sqlite");
  Rng rng{99};
  std::vector<ConfirmationBatch> batches;
  std::function<double(const std::string&, const std::string&, int)> confirm_level;

  NightlyReport night(const NightSpec& spec, Preflight preflight = fit_machine(), double budget = 0.10) {
    const auto n = make_night(spec);
    NightInput in;
    in.manifest = n.manifest();
    in.runs = n.runs();
    in.run_dir = dir / n.manifest().run_id;
    in.preflight = preflight;
    in.run_seconds = 600;
    in.history_file = (dir / "h.sqlite").string();
    confirm_level = spec.level;
    NightlySettings settings;
    settings.confirm_budget = budget;
    return process_night(store, in, settings, [this](const ConfirmationBatch& batch) {
      batches.push_back(batch);
      ConfirmationResult r;
      for (const auto& i : batch.interpreters)
        for (const auto& b : batch.benchmarks)
          for (int t : batch.threads) {
            const std::string label = i.label.substr(0, i.label.find('@'));
            auto& u = r.units[{i.label, b, t}];
            // "@<sha>": the segment's binary, at the old level.
            const bool old = i.label.find('@') != std::string::npos;
            const auto base = NightSpec{}.level;
            for (int p = 0; p < batch.processes; ++p)
              u.push_back((old ? base(label, b, t) : confirm_level(label, b, t)) / 1000.0 *
                          std::exp(0.02 * rng.normal()));
          }
      r.seconds = 1.5 * batch.processes;
      return r;
    });
  }
};

NightSpec slower_cell(int day, double factor, const std::string& sha = "b2b2b2b2b2b2b2b2b2b2") {
  NightSpec spec{.day = day};
  spec.sha_313t = sha;
  const auto base = spec.level;
  spec.level = [base, factor](const std::string& i, const std::string& b, int t) {
    return base(i, b, t) * (i == "3.13t" && b == "scaling/beta" && t == 2 ? factor : 1.0);
  };
  return spec;
}

}  // namespace

TEST(Nightly, CleanNightsAreCleanAndLearnFirst) {
  Nightly job;
  for (int d = 1; d <= 6; ++d) {
    const auto r = job.night({.day = d});
    EXPECT_EQ(r.outcome, NightOutcome::clean) << "night " << d << ": " << render_text(r);
    EXPECT_EQ(r.nights_stored, static_cast<size_t>(d));
    if (d <= 3) EXPECT_EQ(r.series_tested, 0u);
    else EXPECT_EQ(r.series_tested, 12u);
  }
  EXPECT_TRUE(job.batches.empty()) << "nothing to confirm";
  EXPECT_TRUE(job.store.regressions().empty());
}

TEST(Nightly, AStepIsConfirmedTheSameNightReportedAndAckedOnce) {
  Nightly job;
  for (int d = 1; d <= 5; ++d) job.night({.day = d});
  const auto r = job.night(slower_cell(6, 1.20));
  ASSERT_EQ(r.outcome, NightOutcome::regression) << render_text(r);
  ASSERT_EQ(r.new_regressions.size(), 1u);
  const auto& g = r.new_regressions[0];
  EXPECT_EQ(g.series, "3.13t scaling/beta t2 time_per_op");
  EXPECT_EQ(g.record.state, RegressionState::confirmed);
  EXPECT_NEAR(g.record.ratio, 1.20, 0.05);
  EXPECT_LT(g.record.low, g.record.ratio);
  EXPECT_GT(g.record.high, g.record.ratio);
  EXPECT_FALSE(g.record.confirmation.empty());
  // Confirmation re-measured that one cell only, with tonight's binary (the same as before).
  ASSERT_FALSE(job.batches.empty());
  EXPECT_EQ(job.batches[0].benchmarks, std::vector<std::string>{"scaling/beta"});
  EXPECT_EQ(job.batches[0].threads, std::vector<int>{2});
  ASSERT_EQ(job.batches[0].interpreters.size(), 1u);
  EXPECT_EQ(job.batches[0].interpreters[0].label, "3.13t");
  EXPECT_GT(r.confirm_seconds, 0);
  EXPECT_LE(r.confirm_seconds, 60.0 + 1e-9) << "10 % of the night's 600 s";
  // The text, Markdown and JSON say the same thing, regression first.
  const auto text = render_text(r);
  EXPECT_NE(text.find("3.13t scaling/beta t2 time_per_op"), std::string::npos) << text;
  EXPECT_NE(render_markdown(r).find("3.13t scaling/beta t2"), std::string::npos);
  EXPECT_NE(render_json(r).find("\"new_regressions\""), std::string::npos);

  // Still slower tomorrow: the open regression is listed, not found again.
  auto next = job.night(slower_cell(7, 1.20));
  EXPECT_TRUE(next.new_regressions.empty()) << render_text(next);
  ASSERT_EQ(next.still_open.size(), 1u);

  // Acknowledged: never fails the job again.
  auto record = *job.store.regression(g.record.id);
  record.state = RegressionState::acknowledged;
  record.note = "known";
  job.store.update_regression(record);
  for (int d = 8; d <= 10; ++d) {
    const auto later = job.night(slower_cell(d, 1.20));
    EXPECT_EQ(later.outcome, NightOutcome::clean) << render_text(later);
    EXPECT_TRUE(later.still_open.empty());
  }
}

TEST(Nightly, ASuspectThatTheReMeasurementDoesNotReproduceIsCleared) {
  Nightly job;
  for (int d = 1; d <= 5; ++d) job.night({.day = d});
  // The night's own processes were slow, the re-measurement is back at the usual level.
  auto spec = slower_cell(6, 1.20);
  const auto r = [&] {
    const auto n = make_night(spec);
    NightInput in;
    in.manifest = n.manifest();
    in.runs = n.runs();
    in.run_dir = job.dir / "x";
    in.preflight = fit_machine();
    in.run_seconds = 600;
    return process_night(job.store, in, {}, [&](const ConfirmationBatch& batch) {
      ConfirmationResult res;
      for (int p = 0; p < batch.processes; ++p)
        res.units[{"3.13t", "scaling/beta", 2}].push_back(NightSpec{}.level("3.13t", "scaling/beta", 2) / 1000.0 *
                                                          std::exp(0.02 * job.rng.normal()));
      res.seconds = batch.processes;
      return res;
    });
  }();
  EXPECT_EQ(r.outcome, NightOutcome::clean) << render_text(r);
  EXPECT_TRUE(r.new_regressions.empty());
  ASSERT_EQ(r.cleared.size(), 1u);
  EXPECT_EQ(r.cleared[0].record.state, RegressionState::cleared);
}

TEST(Nightly, ANewBinaryIsConfirmedAgainstTheOldOneWhenItIsOnDisk) {
  Nightly job;
  const auto old_binary = job.dir / "python3t-old";
  ftbench::testing::write_text(old_binary, "#!/bin/sh\n", true);
  for (int d = 1; d <= 5; ++d) {
    NightSpec spec{.day = d};
    spec.sha_313t = *os::sha256_file(old_binary);
    job.night(spec);
  }
  // make_night's executables are fixed; point the stored ones at the file on disk.
  job.store.database().run("UPDATE night_interpreters SET executable = $1 WHERE label = '3.13t'", {old_binary.string()});
  const auto r = job.night(slower_cell(6, 1.20, "e5e5e5e5e5e5e5e5e5e5"));
  ASSERT_EQ(r.new_regressions.size(), 1u) << render_text(r);
  ASSERT_FALSE(job.batches.empty());
  ASSERT_EQ(job.batches[0].interpreters.size(), 2u);  // the old binary and tonight's, interleaved
  EXPECT_EQ(job.batches[0].interpreters[0].executable, old_binary);
  EXPECT_NE(r.new_regressions[0].record.commit_range.find("binary"), std::string::npos);
  EXPECT_NE(r.new_regressions[0].record.confirmation.find("previous_binary"), std::string::npos);
}

TEST(Nightly, NoBudgetLeavesTheSuspectOpenAndTheJobClean) {
  Nightly job;
  for (int d = 1; d <= 5; ++d) job.night({.day = d});
  const auto r = job.night(slower_cell(6, 1.20), fit_machine(), 0.0);
  EXPECT_TRUE(job.batches.empty());
  EXPECT_EQ(r.outcome, NightOutcome::clean);
  ASSERT_EQ(r.open_suspects.size(), 1u);
  EXPECT_EQ(r.open_suspects[0].record.state, RegressionState::suspect);
}

TEST(Nightly, AnUnfitMachineIsStoredButExcludedAndExplained) {
  Nightly job;
  for (int d = 1; d <= 5; ++d) job.night({.day = d});
  auto busy = fit_machine();
  busy.problems = {"load 3.00 per usable CPU is above history.max_load 1.50"};
  auto spec = slower_cell(6, 1.5);
  const auto r = job.night(spec, busy);
  EXPECT_EQ(r.outcome, NightOutcome::unfit);
  EXPECT_FALSE(r.preflight.fit());
  EXPECT_NE(r.exit_reason.find("max_load"), std::string::npos);
  EXPECT_TRUE(r.new_regressions.empty());
  const auto night = job.store.night_by_run(make_night(spec).manifest().run_id);
  ASSERT_TRUE(night);
  EXPECT_TRUE(night->excluded);
  EXPECT_NE(night->preflight.find("\"fit\":false"), std::string::npos);
  // The excluded night is not part of any later segment.
  const auto later = job.night({.day = 7});
  EXPECT_EQ(later.outcome, NightOutcome::clean) << render_text(later);
}

TEST(Nightly, AMachineThatDriftsIsReportedAndItsNightsStillCount) {
  Nightly job;
  for (int d = 1; d <= 5; ++d) job.night({.day = d});
  for (int d = 6; d <= 8; ++d) {
    NightSpec spec{.day = d};
    spec.night_shift = 1.15;
    const auto r = job.night(spec);
    EXPECT_TRUE(r.drift) << "night " << d;
    EXPECT_EQ(r.outcome, NightOutcome::clean) << render_text(r);
    EXPECT_NE(render_text(r).find("machine drift"), std::string::npos);
    const auto stored = job.store.nights().back();
    EXPECT_FALSE(stored.excluded) << "a slow night still counts";
    EXPECT_NEAR(stored.machine_factor, 1.15, 0.03) << "the machine's move is stored with the night";
  }
  EXPECT_TRUE(job.store.regressions().empty());
}

TEST(Nightly, ARegressionThatRecoversIsMarkedFixedAndStaysListed) {
  Nightly job;
  for (int d = 1; d <= 5; ++d) job.night({.day = d});
  const auto found = job.night(slower_cell(6, 1.20));
  ASSERT_EQ(found.new_regressions.size(), 1u) << render_text(found);
  for (int d = 7; d <= 9; ++d) job.night(slower_cell(d, 1.20));
  const auto back = job.night({.day = 10});
  ASSERT_EQ(back.new_improvements.size(), 1u) << render_text(back);
  ASSERT_EQ(back.fixed.size(), 1u);
  EXPECT_EQ(back.fixed[0].record.id, found.new_regressions[0].record.id);
  EXPECT_EQ(job.store.regression(found.new_regressions[0].record.id)->state, RegressionState::fixed);
  EXPECT_EQ(back.outcome, NightOutcome::clean);
  EXPECT_EQ(regression_views(job.store).size(), 2u) << "the fixed regression stays listed";
}
