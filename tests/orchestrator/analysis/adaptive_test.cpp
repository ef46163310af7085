#include "analysis/adaptive.h"

#include <gtest/gtest.h>

using namespace ftbench;

namespace {

results::Manifest two_by_one() {
  results::Manifest m;
  m.machine.usable_cpus = {0, 1};
  auto& p = m.plan;
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
  return m;
}

results::ProcessRun run_of(const std::string& interp, int process, std::vector<double> regions, double seconds = 1) {
  results::ProcessRun r;
  r.interpreter = interp;
  r.benchmark = "x/y";
  r.threads = 1;
  r.process_index = process;
  r.status = results::RunStatus::ok;
  r.duration_s = seconds;
  for (auto ns : regions) {
    results::Iteration it;
    it.region_ns = static_cast<int64_t>(ns);
    r.iterations.push_back(it);
  }
  return r;
}

}  // namespace

TEST(Adaptive, AddsARoundOnlyForCellsAboveTheTarget) {
  auto manifest = two_by_one();
  const auto& plan = manifest.plan;
  // One interpreter pair of unrelated labels and one thread count: nothing is compared within
  // the run, so each cell's own median interval (over six processes) decides.
  std::vector<results::ProcessRun> runs;
  for (int p = 0; p < 6; ++p) {
    runs.push_back(run_of("tight", p, {1000.0 + p, 1001, 1000}));
    runs.push_back(run_of("noisy", p, {1000.0 + 300 * p, 700, 1900}));
  }
  auto round = analysis::next_adaptive_round(manifest, runs, {0.02, 120, 50});
  ASSERT_EQ(round.size(), 1u);
  EXPECT_EQ(plan.interpreters[round[0].interpreter].label, "noisy");
  EXPECT_EQ(round[0].round, 2);
  EXPECT_EQ(round[0].process_index, 2);
  EXPECT_EQ(round[0].sequence, plan.items.size());
  // Every new id is new.
  for (const auto& item : plan.items) EXPECT_NE(plan.item_id(item), plan.item_id(round[0]));
}

TEST(Adaptive, StopsWhenConvergedOutOfBudgetOrAtTheCap) {
  auto manifest = two_by_one();
  std::vector<results::ProcessRun> tight;
  for (int p = 0; p < 6; ++p)
    for (auto label : {"tight", "noisy"}) tight.push_back(run_of(label, p, {1000, 1000, 1000, 1000}));
  EXPECT_TRUE(analysis::next_adaptive_round(manifest, tight, {0.02, 120, 50}).empty());
  std::vector<results::ProcessRun> noisy{run_of("noisy", 0, {1000, 1800, 700, 1500}, 100),
                                         run_of("noisy", 1, {2000, 600, 1300, 1100}, 100)};
  EXPECT_TRUE(analysis::next_adaptive_round(manifest, noisy, {0.02, 120, 50}).empty());  // 200 s spent > 120 s budget
  EXPECT_FALSE(analysis::next_adaptive_round(manifest, noisy, {0.02, 1000, 50}).empty());
  EXPECT_TRUE(analysis::next_adaptive_round(manifest, noisy, {0.02, 1000, 2}).empty());  // two rounds already
  EXPECT_TRUE(analysis::next_adaptive_round(manifest, noisy, {0, 1000, 50}).empty());    // not adaptive
}

TEST(Adaptive, TwoProcessesAreNeverEnoughForAnInterval) {
  auto manifest = two_by_one();
  std::vector<results::ProcessRun> runs{run_of("tight", 0, {1000, 1000}), run_of("tight", 1, {1000, 1000}),
                                        run_of("noisy", 0, {1000, 1000}), run_of("noisy", 1, {1000, 1000})};
  EXPECT_EQ(analysis::next_adaptive_round(manifest, runs, {0.5, 1000, 50}).size(), 2u);
}

// Where the run compares the free-threaded build with the default build, those intervals
// decide: the cells behind a wide ratio get processes, others do not.
TEST(Adaptive, ExtendsTheCellsBehindTheWidestComparisons) {
  results::Manifest m;
  m.machine.usable_cpus = {0, 1};
  auto& p = m.plan;
  for (auto [label, ft] : {std::pair{"3.13", false}, std::pair{"3.13t", true}}) {
    plan::TestedInterpreter i;
    i.label = label;
    i.interpreter.version = {3, 13, 5};
    i.interpreter.version_text = "3.13.5";
    i.interpreter.free_threaded_build = ft;
    i.interpreter.gil_enabled = !ft;
    p.interpreters.push_back(i);
  }
  for (auto id : {"x/steady", "x/noisy"}) {
    harness::Benchmark b;
    b.id = id;
    p.benchmarks.push_back(b);
  }
  p.threads = {1};
  p.seed = 5;
  p.items = plan::interleave(2, 2, p.threads, 8, p.seed);
  std::vector<results::ProcessRun> runs;
  for (int proc = 0; proc < 8; ++proc)
    for (auto label : {"3.13", "3.13t"}) {
      auto steady = run_of(label, proc, {1000.0 + proc, 1000.0 + proc});
      steady.benchmark = "x/steady";
      runs.push_back(steady);
      auto noisy = run_of(label, proc, {1000.0 * (1 + (proc % 3)), 1000.0 * (1 + (proc % 3))});
      noisy.benchmark = "x/noisy";
      runs.push_back(noisy);
    }
  const auto round = analysis::next_adaptive_round(m, runs, {0.05, 1000, 50});
  ASSERT_EQ(round.size(), 2u);
  for (const auto& item : round) EXPECT_EQ(p.benchmarks[item.benchmark].id, "x/noisy");
}

TEST(Adaptive, CellsThatKeepFailingAreNotRetriedForever) {
  auto manifest = two_by_one();
  auto failed = [](const std::string& interp, int p) {
    auto r = run_of(interp, p, {});
    r.status = results::RunStatus::failed;
    return r;
  };
  std::vector<results::ProcessRun> runs{failed("noisy", 0), failed("noisy", 1)};
  for (int p = 0; p < 6; ++p) runs.push_back(run_of("tight", p, {1000, 1000, 1000, 1000}));
  EXPECT_TRUE(analysis::next_adaptive_round(manifest, runs, {0.02, 1000, 50}).empty());
}
