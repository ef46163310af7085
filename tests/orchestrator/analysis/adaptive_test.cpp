#include "analysis/adaptive.h"

#include <gtest/gtest.h>

using namespace ftbench;

namespace {

plan::Plan two_by_one() {
  plan::Plan p;
  for (auto label : {"tight", "noisy"}) {
    plan::TestedInterpreter i;
    i.label = label;
    p.interpreters.push_back(i);
  }
  harness::Benchmark b;
  b.id = "x/y";
  p.benchmarks = {b};
  p.threads = {1};
  p.seed = 3;
  p.items = plan::interleave(2, 1, p.threads, 2, p.seed);
  return p;
}

results::ProcessRun run_of(const std::string& interp, int process, std::vector<int64_t> regions, double seconds = 1) {
  results::ProcessRun r;
  r.interpreter = interp;
  r.benchmark = "x/y";
  r.threads = 1;
  r.process_index = process;
  r.status = results::RunStatus::ok;
  r.duration_s = seconds;
  for (auto ns : regions) {
    results::Iteration it;
    it.region_ns = ns;
    r.iterations.push_back(it);
  }
  return r;
}

}  // namespace

TEST(Adaptive, AddsARoundOnlyForCellsAboveTheTarget) {
  auto plan = two_by_one();
  std::vector<results::ProcessRun> runs{
      run_of("tight", 0, {1000, 1001, 1000, 999, 1000}), run_of("tight", 1, {1000, 1002, 1001, 1000, 999}),
      run_of("noisy", 0, {1000, 1800, 700, 1500, 900}), run_of("noisy", 1, {2000, 600, 1300, 1100, 1700})};
  auto round = analysis::next_adaptive_round(plan, runs, {0.02, 120, 50});
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(plan.interpreters[round[0].interpreter].label, "noisy");
  EXPECT_EQ(round[0].round, 2);
  EXPECT_EQ(round[0].process_index, 2);
  EXPECT_EQ(round[0].sequence, plan.items.size());
  // Every new id is new.
  for (const auto& item : plan.items) EXPECT_NE(plan.item_id(item), plan.item_id(round[0]));
}

TEST(Adaptive, StopsWhenConvergedOutOfBudgetOrAtTheCap) {
  auto plan = two_by_one();
  std::vector<results::ProcessRun> tight{run_of("tight", 0, {1000, 1000, 1000, 1000}),
                                         run_of("tight", 1, {1000, 1000, 1000, 1000}),
                                         run_of("noisy", 0, {1000, 1000, 1000, 1000}),
                                         run_of("noisy", 1, {1000, 1000, 1000, 1000})};
  EXPECT_TRUE(analysis::next_adaptive_round(plan, tight, {0.02, 120, 50}).empty());
  std::vector<results::ProcessRun> noisy{run_of("noisy", 0, {1000, 1800, 700, 1500}, 100),
                                         run_of("noisy", 1, {2000, 600, 1300, 1100}, 100)};
  EXPECT_TRUE(analysis::next_adaptive_round(plan, noisy, {0.02, 120, 50}).empty());  // 200 s spent > 120 s budget
  EXPECT_FALSE(analysis::next_adaptive_round(plan, noisy, {0.02, 1000, 50}).empty());
  EXPECT_TRUE(analysis::next_adaptive_round(plan, noisy, {0.02, 1000, 2}).empty());  // two rounds already
  EXPECT_TRUE(analysis::next_adaptive_round(plan, noisy, {0, 1000, 50}).empty());    // not adaptive
}

TEST(Adaptive, CellsThatKeepFailingAreNotRetriedForever) {
  auto plan = two_by_one();
  auto failed = [](const std::string& interp, int p) {
    auto r = run_of(interp, p, {});
    r.status = results::RunStatus::failed;
    return r;
  };
  std::vector<results::ProcessRun> runs{failed("noisy", 0), failed("noisy", 1),
                                        run_of("tight", 0, {1000, 1000, 1000, 1000}),
                                        run_of("tight", 1, {1000, 1000, 1000, 1000})};
  EXPECT_TRUE(analysis::next_adaptive_round(plan, runs, {0.02, 1000, 50}).empty());
}
