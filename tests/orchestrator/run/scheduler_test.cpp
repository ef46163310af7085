#include "run/scheduler.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "os/files.h"
#include "os/machine.h"

using namespace ftbench;
using namespace ftbench::run;

namespace {

// Records what it was asked to run; fails chosen items; raises the stop flag at a chosen call.
class MockExecutor : public Executor {
 public:
  std::vector<std::string> executed;
  std::set<std::string> fail;
  int stop_at_call = -1;
  std::atomic<int>* stop = nullptr;

  results::ProcessRun execute(const plan::PlanItem& item, const ItemContext& ctx, bool& interrupted) override {
    auto id = ctx.plan->item_id(item);
    interrupted = false;
    if (static_cast<int>(executed.size()) == stop_at_call) {
      stop->store(2);
      interrupted = true;  // cut short by the signal: must not be saved
      executed.push_back(id);
      return {};
    }
    executed.push_back(id);
    results::ProcessRun r;
    r.item_id = id;
    r.sequence = item.sequence;
    r.status = fail.count(id) ? results::RunStatus::failed : results::RunStatus::ok;
    r.failure = fail.count(id) ? "crashed" : "";
    return r;
  }
};

class SilentProgress : public ProgressSink {
 public:
  void item_started(size_t, size_t, const std::string&, double) override { ++started; }
  void item_finished(const results::ProcessRun&) override {}
  void finished() override {}
  int started = 0;
};

plan::Plan make_plan() {
  plan::Plan p;
  for (auto label : {"a", "b"}) {
    plan::TestedInterpreter i;
    i.label = label;
    p.interpreters.push_back(i);
  }
  for (auto id : {"x/one", "x/two"}) {
    harness::Benchmark b;
    b.id = id;
    p.benchmarks.push_back(b);
  }
  p.threads = {1, 2};
  p.items = plan::interleave(2, 2, p.threads, 2, 5);
  return p;
}

}  // namespace

TEST(Scheduler, RunsEverythingAndSavesFailuresToo) {
  ftbench::testing::TempDir t;
  auto store = results::RunStore::create(t.path(), "r");
  auto plan = make_plan();
  MockExecutor exec;
  exec.fail = {plan.item_id(plan.items[3])};
  SilentProgress progress;
  std::atomic<int> stop{0};
  SchedulerOptions opts;
  opts.stop_signal = &stop;
  std::vector<results::ProcessRun> runs;
  auto out = run_plan(plan, exec, store, {}, runs, progress, opts);
  EXPECT_EQ(out.ran, plan.items.size());
  EXPECT_EQ(runs.size(), plan.items.size());  // what results.json is merged from
  EXPECT_EQ(out.failed, 1u);
  EXPECT_EQ(out.ok, plan.items.size() - 1);
  EXPECT_FALSE(out.interrupted);
  EXPECT_EQ(store.load_runs().size(), plan.items.size());
  for (size_t i = 0; i < plan.items.size(); ++i) EXPECT_EQ(exec.executed[i], plan.item_id(plan.items[i]));  // plan order
}

TEST(Scheduler, StopSignalKeepsFinishedAndResumeRunsOnlyTheRest) {
  ftbench::testing::TempDir t;
  auto store = results::RunStore::create(t.path(), "r");
  auto plan = make_plan();
  std::atomic<int> stop{0};
  SchedulerOptions opts;
  opts.stop_signal = &stop;
  SilentProgress progress;

  MockExecutor first;
  first.stop = &stop;
  first.stop_at_call = 5;
  std::vector<results::ProcessRun> runs;
  auto out = run_plan(plan, first, store, {}, runs, progress, opts);
  EXPECT_TRUE(out.interrupted);
  EXPECT_EQ(out.ran, 5u);
  EXPECT_EQ(store.load_runs().size(), 5u);  // the interrupted one was not saved

  stop = 0;
  MockExecutor second;
  auto saved = store.load_runs();  // as --resume starts: from disk only
  auto resumed = run_plan(plan, second, store, {}, saved, progress, opts);
  EXPECT_EQ(resumed.skipped, 5u);
  EXPECT_EQ(resumed.ran, plan.items.size() - 5);
  EXPECT_EQ(second.executed.front(), plan.item_id(plan.items[5]));
  // Exactly the planned set, none duplicated.
  std::multiset<std::string> ids;
  for (const auto& r : store.load_runs()) ids.insert(r.item_id);
  EXPECT_EQ(ids.size(), plan.items.size());
  for (const auto& item : plan.items) EXPECT_EQ(ids.count(plan.item_id(item)), 1u);
}

TEST(Scheduler, AffinityChoices) {
  config::Affinity none;
  EXPECT_TRUE(cpus_for(none, 4).empty());
  config::Affinity list{config::Affinity::Mode::list, {1, 3}};
  EXPECT_EQ(cpus_for(list, 1), (std::vector<int>{1, 3}));
  config::Affinity automatic{config::Affinity::Mode::automatic, {}};
  auto one = cpus_for(automatic, 1);
  EXPECT_EQ(one.size(), 1u);
  auto many = cpus_for(automatic, 1000);
  EXPECT_EQ(many, os::one_cpu_per_core(os::usable_cpus()));
}

TEST(Machine, OneCpuPerCoreDropsSmtSiblings) {
  ftbench::testing::TempDir t;
  // cpu0/cpu2 are one core's hyperthreads, cpu1/cpu3 another's.
  for (int cpu = 0; cpu < 4; ++cpu) {
    auto base = t.path() / ("devices/system/cpu/cpu" + std::to_string(cpu) + "/topology");
    ftbench::testing::write_text(base / "physical_package_id", "0\n");
    ftbench::testing::write_text(base / "core_id", std::to_string(cpu % 2) + "\n");
  }
  EXPECT_EQ(os::one_cpu_per_core({0, 1, 2, 3}, t.path().string()), (std::vector<int>{0, 1}));
  EXPECT_EQ(os::one_cpu_per_core({2, 3}, t.path().string()), (std::vector<int>{2, 3}));
}

TEST(Scheduler, AProcessThatFailedOnAFullOutputDiskIsNotStoredAndTheRunStops) {
  ftbench::testing::TmpfsMount disk(512 * 1024);
  if (!disk.mounted()) GTEST_SKIP() << disk.error();
  auto store = results::RunStore::create(disk.path(), "r");
  auto plan = make_plan();
  MockExecutor exec;
  exec.fail = {plan.item_id(plan.items[0]), plan.item_id(plan.items[2])};
  SilentProgress progress;
  SchedulerOptions opts;
  std::vector<results::ProcessRun> runs;
  // items[0] fails with room to spare: a benchmark failure, stored. Then the disk fills but for
  // a few KB (a run file still fits): items[1] is fine and stored, items[2] failed while its log
  // could not be written: not stored, the run stops naming that log.
  struct FillAfterFirst : MockExecutor {
    ftbench::testing::TmpfsMount* disk = nullptr;
    results::ProcessRun execute(const plan::PlanItem& item, const ItemContext& ctx, bool& interrupted) override {
      if (executed.size() == 1) disk->fill(16 * 1024);
      return MockExecutor::execute(item, ctx, interrupted);
    }
  } filling;
  filling.fail = exec.fail;
  filling.disk = &disk;
  try {
    run_plan(plan, filling, store, {}, runs, progress, opts);
    FAIL() << "the run must stop on the lost output";
  } catch (const os::StorageError& e) {
    EXPECT_EQ(e.error(), ENOSPC);
    EXPECT_EQ(e.path(), store.child_output(plan.items[2].sequence, "stdout"));
  }
  EXPECT_EQ(filling.executed.size(), 3u);
  const auto saved = store.load_runs();
  ASSERT_EQ(saved.size(), 2u);
  EXPECT_EQ(saved[0].status, results::RunStatus::failed);  // a real failure stays one
  EXPECT_EQ(saved[1].status, results::RunStatus::ok);
  EXPECT_EQ(runs.size(), 2u);

  // Space again: resume runs the lost one (and the rest), nothing twice.
  disk.remove_filler();
  MockExecutor second;
  auto loaded = store.load_runs();
  run_plan(plan, second, store, {}, loaded, progress, opts);
  EXPECT_EQ(second.executed.front(), plan.item_id(plan.items[2]));
  EXPECT_EQ(store.load_runs().size(), plan.items.size());
}
