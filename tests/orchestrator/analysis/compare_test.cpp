#include "analysis/compare.h"

#include <gtest/gtest.h>

#include <cmath>

#include "analysis/analysis.h"
#include "../report/synthetic_run.h"

namespace ftbench::analysis {
namespace {

using testing::lognormal_draw;
using testing::SyntheticRun;

SyntheticRun four_interpreters() {
  SyntheticRun run;
  run.interpreter({"3.12", "3.12.7", false, true, {}, ""})
      .interpreter({"3.13", "3.13.5", false, false, {}, ""})
      .interpreter({"3.13t", "3.13.5", true, false, {}, ""})
      .interpreter({"3.13t+GIL", "3.13.5", true, false, {{"PYTHON_GIL", "1"}}, ""});
  return run;
}

const Comparison* find(const Comparisons& c, PairKind kind, const std::string& subject, const std::string& bench,
                       int threads) {
  return c.find(kind, subject, bench, threads);
}

TEST(Compare, PairsInterpretersByBuildVersionAndExecutable) {
  auto run = four_interpreters();
  run.benchmark("x/y");
  const auto cells = build_cells(run.manifest(), run.runs());
  const auto pairs = find_pairs(cells);
  ASSERT_EQ(pairs.size(), 5u);
  EXPECT_EQ(pairs[0].kind, PairKind::versus_baseline);
  EXPECT_EQ(pairs[0].subject, "3.13");
  EXPECT_EQ(pairs[0].reference, "3.12");
  EXPECT_EQ(pairs[2].subject, "3.13t+GIL");
  EXPECT_EQ(pairs[3].kind, PairKind::free_threading);
  EXPECT_EQ(pairs[3].subject, "3.13t");
  EXPECT_EQ(pairs[3].reference, "3.13") << "same version, default build; never 3.13t+GIL";
  EXPECT_EQ(pairs[4].kind, PairKind::gil_switch);
  EXPECT_EQ(pairs[4].subject, "3.13t+GIL");
  EXPECT_EQ(pairs[4].reference, "3.13t");
  const auto* ft_gil = cells.interpreter("3.13t+GIL");
  ASSERT_NE(ft_gil, nullptr);
  EXPECT_TRUE(ft_gil->free_threaded_build());
  EXPECT_TRUE(ft_gil->gil_enabled) << "PYTHON_GIL=1, as its processes reported";
}

// A free-threaded version with no default build of its own (3.15t here) is compared with the
// default build its config query chose to stand in (recorded in the plan), and says so.
TEST(Compare, AStandInDefaultBuildPairsWithTheVersionItStandsInFor) {
  SyntheticRun run;
  run.interpreter({"baseline", "3.12.7", false, true, {}, ""})
      .interpreter({"3.14", "3.14.0", false, false, {}, ""})
      .interpreter({"3.15t", "3.15.0", true, false, {}, ""});
  run.benchmark("x/y");
  {
    const auto pairs = find_pairs(build_cells(run.manifest(), run.runs()));
    EXPECT_TRUE(std::none_of(pairs.begin(), pairs.end(), [](auto& p) { return p.kind == PairKind::free_threading; }))
        << "another version is no default build of 3.15 unless a query chose it as one";
  }
  run.manifest().plan.interpreters[1].resolution =
      discovery::SelectionNote{"the default build of the newest free-threaded CPython's version", "", "", "3.15"};
  const auto pairs = find_pairs(build_cells(run.manifest(), run.runs()));
  const auto ft = std::find_if(pairs.begin(), pairs.end(), [](auto& p) { return p.kind == PairKind::free_threading; });
  ASSERT_NE(ft, pairs.end());
  EXPECT_EQ(ft->subject, "3.15t");
  EXPECT_EQ(ft->reference, "3.14");
  EXPECT_NE(ft->title.find("standing in: no default build of 3.15"), std::string::npos) << ft->title;
  EXPECT_EQ(ft->stand_in_for, "3.15");
}

// The stand-in is a fact of the pair: the same default build compared with its own version's
// free-threaded build is a plain same-version pair.
TEST(Compare, AStandInIsOnlyAStandInForTheOtherVersion) {
  SyntheticRun run;
  run.interpreter({"baseline", "3.12.7", false, true, {}, ""})
      .interpreter({"3.14", "3.14.0", false, false, {}, ""})
      .interpreter({"3.14t", "3.14.0", true, false, {}, ""})
      .interpreter({"3.15t", "3.15.0", true, false, {}, ""});
  run.benchmark("x/y");
  run.manifest().plan.interpreters[1].resolution =
      discovery::SelectionNote{"the default build of the newest free-threaded CPython's version", "", "", "3.15"};
  const auto pairs = find_pairs(build_cells(run.manifest(), run.runs()));
  size_t free_threading = 0;
  for (const auto& p : pairs) {
    if (p.kind != PairKind::free_threading) continue;
    ++free_threading;
    EXPECT_EQ(p.reference, "3.14");
    if (p.subject == "3.14t") {
      EXPECT_EQ(p.stand_in_for, "") << p.title;
      EXPECT_EQ(p.title.find("standing in"), std::string::npos) << p.title;
    } else {
      EXPECT_EQ(p.stand_in_for, "3.15") << p.title;
    }
  }
  EXPECT_EQ(free_threading, 2u);
}

TEST(Compare, TwiceAsSlowIsSignificantAndIdenticalIsNot) {
  auto run = four_interpreters();
  run.benchmark("group/bench", harness::Scaling::strong, "op");
  run.cell("3.12", "group/bench", 1, 8, 5, 1000, lognormal_draw(1e6, 0.02));
  run.cell("3.13", "group/bench", 1, 8, 5, 1000, lognormal_draw(1e6, 0.02));  // same distribution
  run.cell("3.13t", "group/bench", 1, 8, 5, 1000, lognormal_draw(2e6, 0.02));
  const auto a = analyze(run.manifest(), run.runs());
  const auto* slow = find(a.comparisons, PairKind::versus_baseline, "3.13t", "group/bench", 1);
  ASSERT_NE(slow, nullptr);
  EXPECT_EQ(slow->metric, TimeMetric::per_op);
  EXPECT_NEAR(slow->time.ratio, 2.0, 0.06);
  EXPECT_TRUE(slow->time.significant);
  EXPECT_EQ(slow->time.change, Change::higher);
  EXPECT_EQ(slow->time.n_a, 8u) << "one value per process, not per iteration";
  const auto* same = find(a.comparisons, PairKind::versus_baseline, "3.13", "group/bench", 1);
  ASSERT_NE(same, nullptr);
  EXPECT_FALSE(same->time.significant);
  EXPECT_TRUE(same->time.ci.contains(1.0));
  const auto* ft = find(a.comparisons, PairKind::free_threading, "3.13t", "group/bench", 1);
  ASSERT_NE(ft, nullptr);
  EXPECT_NEAR(ft->time.ratio, 2.0, 0.06);
  // geometric means per group and overall
  bool saw_group = false;
  for (const auto& g : a.comparisons.geomeans)
    if (g.kind == PairKind::versus_baseline && g.subject == "3.13t" && g.group == "group") {
      saw_group = true;
      EXPECT_NEAR(g.geomean, 2.0, 0.06);
      EXPECT_EQ(g.slower, 1u);
    }
  EXPECT_TRUE(saw_group);
}

TEST(Compare, GeometricMean) {
  EXPECT_NEAR(geometric_mean({2.0, 0.5}), 1.0, 1e-12);
  EXPECT_NEAR(geometric_mean({1.0, 4.0, 2.0}), 2.0, 1e-12);
  EXPECT_EQ(geometric_mean({}), 0.0);
}

TEST(Compare, StrongScalingSpeedupAndEfficiency) {
  // T(1) = 8 ms, T(4) = 2.5 ms: speedup 3.2, efficiency 0.8.
  Sample one, four;
  for (int i = 0; i < 10; ++i) {
    one.add(8e6 * (1 + 0.001 * i), i);  // ten processes of one iteration each
    four.add(2.5e6 * (1 + 0.001 * i), i);
  }
  const auto p = scaling_point(harness::Scaling::strong, 4, one, four, 8);
  EXPECT_NEAR(p.speedup, 3.2, 1e-9);
  EXPECT_NEAR(p.efficiency, 0.8, 1e-9);
  EXPECT_TRUE(p.speedup_ci.contains(p.speedup));
  EXPECT_NEAR(p.efficiency_ci.low, p.speedup_ci.low / 4, 1e-12);
  EXPECT_TRUE(p.significant);
  EXPECT_FALSE(p.oversubscribed);
  EXPECT_TRUE(scaling_point(harness::Scaling::strong, 16, one, four, 8).oversubscribed);
}

TEST(Compare, WeakScalingEfficiencyAndScaledSpeedup) {
  // Fixed work per thread: T(1) = 8 ms, T(4) = 10 ms -> efficiency 0.8, scaled speedup 3.2.
  Sample one, four;
  for (int i = 0; i < 10; ++i) {
    one.add(8e6 * (1 + 0.001 * i), i);
    four.add(10e6 * (1 + 0.001 * i), i);
  }
  const auto p = scaling_point(harness::Scaling::weak, 4, one, four, 8);
  EXPECT_NEAR(p.efficiency, 0.8, 1e-9);
  EXPECT_NEAR(p.speedup, 3.2, 1e-9);
  EXPECT_NEAR(p.speedup_ci.low, 4 * p.efficiency_ci.low, 1e-12);
  // Perfect weak scaling: same time at every thread count -> efficiency 1, speedup N, n.s.
  const auto ideal = scaling_point(harness::Scaling::weak, 4, one, one, 8);
  EXPECT_NEAR(ideal.efficiency, 1.0, 1e-12);
  EXPECT_NEAR(ideal.speedup, 4.0, 1e-12);
  EXPECT_FALSE(ideal.significant);
}

TEST(Compare, ScalingCurvesFromARun) {
  auto run = four_interpreters();
  run.benchmark("scaling/work", harness::Scaling::strong, "element");
  for (int n : {1, 2, 4}) {
    run.cell("3.13t", "scaling/work", n, 2, 5, 1000, lognormal_draw(8e6 / n, 0.01));
    run.cell("3.13", "scaling/work", n, 2, 5, 1000, lognormal_draw(8e6, 0.01));
  }
  const auto a = analyze(run.manifest(), run.runs());
  const ScalingCurve* ft = nullptr;
  for (const auto& c : a.comparisons.scaling)
    if (c.interpreter == "3.13t") ft = &c;
  ASSERT_NE(ft, nullptr);
  EXPECT_EQ(ft->kind, harness::Scaling::strong);
  ASSERT_EQ(ft->points.size(), 3u);
  EXPECT_NEAR(ft->at(1)->speedup, 1.0, 1e-12);
  EXPECT_NEAR(ft->at(4)->speedup, 4.0, 0.15);
  EXPECT_NEAR(ft->at(4)->efficiency, 1.0, 0.04);
}

TEST(Compare, FailedProcessesAreCountedNotMeasured) {
  auto run = four_interpreters();
  run.benchmark("b/x");
  run.cell("3.12", "b/x", 1, 2, 5, 10, lognormal_draw(1e6));
  run.failure("3.12", "b/x", 1, 2, "killed by signal 9");
  const auto cells = build_cells(run.manifest(), run.runs());
  const auto* c = cells.find("b/x", "3.12", 1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->processes_ok, 2u);
  EXPECT_EQ(c->processes_failed, 1u);
  EXPECT_EQ(c->time.size(), 10u) << "warm-ups and failed processes excluded";
  ASSERT_EQ(cells.failures.size(), 1u);
  EXPECT_EQ(cells.failures[0].reason, "killed by signal 9");
  EXPECT_EQ(cells.failures[0].detail, "MemoryError");
  EXPECT_EQ(cells.counts.failed, 1u);
  EXPECT_EQ(cells.counts.finished, 3u);
}

TEST(Compare, CountersKeepTheirStatusAndArePerOperation) {
  auto run = four_interpreters();
  run.benchmark("b/x");
  run.cell("3.12", "b/x", 1, 2, 5, 1000, lognormal_draw(1e6),
           {{"context-switches", 0.002, perf::Status::counted, "", 1.0},
            {"cache-misses", 0, perf::Status::not_supported, "no PMU on this machine", 1.0}});
  const auto cells = build_cells(run.manifest(), run.runs());
  const auto* c = cells.find("b/x", "3.12", 1);
  ASSERT_NE(c, nullptr);
  const auto* cs = c->counter("context-switches");
  ASSERT_NE(cs, nullptr);
  EXPECT_EQ(cs->status, perf::Status::counted);
  ASSERT_TRUE(cs->per_op_stats.has_value());
  EXPECT_NEAR(cs->per_op_stats->median, 0.002, 0.0003);
  const auto* cm = c->counter("cache-misses");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ(cm->status, perf::Status::not_supported);
  EXPECT_EQ(cm->message, "no PMU on this machine");
  EXPECT_FALSE(cm->per_op_stats.has_value()) << "never a zero";
  EXPECT_FALSE(cm->per_iteration_stats.has_value());
}

TEST(Compare, TwoRunsCellByCell) {
  auto a = four_interpreters();
  a.benchmark("g/b");
  a.cell("3.13", "g/b", 1, 6, 5, 100, lognormal_draw(1e6, 0.01));
  a.cell("3.13t", "g/b", 1, 6, 5, 100, lognormal_draw(1e6, 0.01));
  auto b = four_interpreters();
  b.benchmark("g/b");
  b.cell("3.13", "g/b", 1, 6, 5, 100, lognormal_draw(1.2e6, 0.01));
  b.cell("3.13t", "g/b", 1, 6, 5, 100, lognormal_draw(1e6, 0.01));
  b.cell("3.13t", "g/b", 2, 6, 5, 100, lognormal_draw(1e6, 0.01));  // only in B
  const auto cmp = compare_runs("A", build_cells(a.manifest(), a.runs()), "B", build_cells(b.manifest(), b.runs()));
  ASSERT_EQ(cmp.rows.size(), 2u);
  EXPECT_EQ(cmp.rows[0].interpreter, "3.13");
  EXPECT_NEAR(cmp.rows[0].time.ratio, 1.2, 0.03);
  EXPECT_TRUE(cmp.rows[0].time.significant);
  EXPECT_FALSE(cmp.rows[1].time.significant);
  ASSERT_FALSE(cmp.notes.empty());
  EXPECT_NE(cmp.notes[0].find("only in B"), std::string::npos);
}

TEST(Compare, ThreeProcessesCannotBeSignificantAndSaySo) {
  auto run = four_interpreters();
  run.benchmark("g/b");
  run.cell("3.12", "g/b", 1, 3, 20, 100, lognormal_draw(1e6, 0.01));
  run.cell("3.13", "g/b", 1, 3, 20, 100, lognormal_draw(3e6, 0.01));  // 3x slower, 60 iterations a side
  const auto a = analyze(run.manifest(), run.runs());
  const auto* c = a.comparisons.find(PairKind::versus_baseline, "3.13", "g/b", 1);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->time.n_a, 3u);
  EXPECT_NEAR(c->time.min_p_value, 0.1, 1e-12);
  EXPECT_TRUE(c->time.insufficient);
  EXPECT_FALSE(c->time.significant) << "pooling the 60 iterations would call this significant";
  EXPECT_NEAR(c->time.ratio, 3.0, 0.1);
}

TEST(Compare, ConfigureFlagDifferencesIgnoreTheGilSwitchAndPrefix) {
  EXPECT_TRUE(configure_flag_differences("'--prefix=/a' '--disable-gil' '--with-lto'", "'--prefix=/b' '--with-lto'").empty());
  EXPECT_EQ(configure_flag_differences("'--prefix=/a' '--enable-shared' 'CC=gcc'", "'--prefix=/b' 'CC=gcc'"),
            std::vector<std::string>{"--enable-shared"});
  EXPECT_EQ(configure_flag_differences("'CFLAGS=-O2 -g'", "'CFLAGS=-O3'"),
            (std::vector<std::string>{"CFLAGS=-O2 -g", "CFLAGS=-O3"}));
  auto run = four_interpreters();
  run.manifest().plan.interpreters[0].interpreter.configure_args = "'--prefix=/opt/3.12' '--enable-shared'";
  run.benchmark("x/y");
  const auto pairs = find_pairs(build_cells(run.manifest(), run.runs()));
  EXPECT_EQ(pairs[0].flags_differ, std::vector<std::string>{"--enable-shared"}) << "3.13 vs the 3.12 baseline";
  EXPECT_TRUE(pairs[3].flags_differ.empty()) << "3.13t vs 3.13: the same flags but --disable-gil";
}

TEST(Compare, EfficiencyAboveTheModelIsSuspectAndSaysWhy) {
  Sample one, two;
  for (int i = 0; i < 8; ++i) {
    one.add(10e6 * (1 + 0.01 * i) * (i == 0 ? 1.6 : 1.0), i);  // one slow one-thread process
    two.add(3e6 * (1 + 0.01 * i), i);                          // weak scaling: 2 threads in less time
  }
  const auto p = scaling_point(harness::Scaling::weak, 2, one, two, 8);
  EXPECT_GT(p.efficiency, 1.0);
  EXPECT_TRUE(p.suspect);
  EXPECT_FALSE(p.suspect_reason.empty());
  Sample same;
  for (int i = 0; i < 8; ++i) same.add(10e6 * (1 + 0.01 * i), i);
  EXPECT_FALSE(scaling_point(harness::Scaling::weak, 2, same, same, 8).suspect);
}

TEST(Compare, WorkloadPairsAreComparedAndJudgedAgainstTheirExpectation) {
  auto run = four_interpreters();
  harness::Benchmark baseline, padded;
  baseline.id = "memory/ordering/false_sharing_baseline";
  padded.id = "memory/ordering/false_sharing_padded";
  baseline.scaling = padded.scaling = harness::Scaling::weak;
  baseline.pair = harness::PairInfo{"false_sharing", harness::PairRole::subject, padded.id,
                                    {{harness::BuildKind::free_threaded, harness::ThreadCondition::several, "any",
                                      harness::ExpectedRatio::higher},
                                     {harness::BuildKind::any, harness::ThreadCondition::any, "any", harness::ExpectedRatio::equal}}};
  padded.pair = harness::PairInfo{"false_sharing", harness::PairRole::reference, baseline.id, baseline.pair->expected};
  run.manifest().plan.benchmarks = {baseline, padded};
  for (int t : {1, 2}) {
    run.cell("3.13t", baseline.id, t, 8, 3, 100, lognormal_draw(t == 2 ? 2e6 : 1e6, 0.01));
    run.cell("3.13t", padded.id, t, 8, 3, 100, lognormal_draw(1e6, 0.01));
    run.cell("3.13", baseline.id, t, 8, 3, 100, lognormal_draw(1.5e6, 0.01));  // the GIL build: unexpectedly slower
    run.cell("3.13", padded.id, t, 8, 3, 100, lognormal_draw(1e6, 0.01));
  }
  const auto a = analyze(run.manifest(), run.runs());
  auto get = [&](const std::string& interp, int t) -> const WorkloadPairComparison& {
    for (const auto& w : a.comparisons.workload_pairs)
      if (w.interpreter == interp && w.threads == t) return w;
    throw std::runtime_error("no pair row");
  };
  EXPECT_EQ(a.comparisons.workload_pairs.size(), 4u);
  EXPECT_EQ(get("3.13t", 2).expected, harness::ExpectedRatio::higher);
  EXPECT_EQ(get("3.13t", 2).agreement, Agreement::agrees);
  EXPECT_NEAR(get("3.13t", 2).time.ratio, 2.0, 0.05);
  EXPECT_EQ(get("3.13t", 1).expected, harness::ExpectedRatio::equal);
  EXPECT_EQ(get("3.13t", 1).agreement, Agreement::agrees);
  EXPECT_EQ(get("3.13", 2).expected, harness::ExpectedRatio::equal);
  EXPECT_EQ(get("3.13", 2).agreement, Agreement::contradicts);
}

TEST(Compare, JudgingAnExpectation) {
  RatioEstimate r;
  r.valid = true;
  r.ratio = 1.5;
  r.ci = {1.3, 1.7, 0.95};
  r.significant = true;
  EXPECT_EQ(judge(r, harness::ExpectedRatio::higher), Agreement::agrees);
  EXPECT_EQ(judge(r, harness::ExpectedRatio::lower), Agreement::contradicts);
  EXPECT_EQ(judge(r, harness::ExpectedRatio::equal), Agreement::contradicts);
  EXPECT_EQ(judge(r, std::nullopt), Agreement::no_expectation);
  r.ratio = 1.02;
  r.ci = {0.95, 1.08, 0.95};
  r.significant = false;
  EXPECT_EQ(judge(r, harness::ExpectedRatio::equal), Agreement::agrees);
  EXPECT_EQ(judge(r, harness::ExpectedRatio::higher), Agreement::inconclusive);
  r.ci = {0.8, 1.3, 0.95};
  EXPECT_EQ(judge(r, harness::ExpectedRatio::equal), Agreement::inconclusive);
}

TEST(Compare, GilReenabledOnAFreeThreadedBuildIsNoted) {
  auto run = four_interpreters();
  run.benchmark("b/x");
  run.cell("3.13t", "b/x", 1, 1, 5, 10, lognormal_draw(1e6));
  run.runs().back().iterations.back().gil_enabled = true;  // an import switched it back on
  const auto cells = build_cells(run.manifest(), run.runs());
  ASSERT_FALSE(cells.notes.empty());
  EXPECT_NE(cells.notes.back().find("GIL was back on"), std::string::npos);
}

}  // namespace
}  // namespace ftbench::analysis
