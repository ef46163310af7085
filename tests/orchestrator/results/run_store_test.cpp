#include "results/run_store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "../test_support.h"
#include "process_run_sample.h"
#include "util/error.h"

using namespace ftbench;
using namespace ftbench::results;

TEST(RunStore, SavesAtomicallyAndListsFinishedItems) {
  ftbench::testing::TempDir t;
  auto store = RunStore::create(t.path(), "run");
  auto second = RunStore::create(t.path(), "run");  // same id in the same second: no clash
  EXPECT_NE(store.dir(), second.dir());
  store.save_run(ftbench::testing::sample_run(0, "a/b/t1/p0"));
  store.save_run(ftbench::testing::sample_run(1, "a/b/t2/p0"));
  ftbench::testing::write_text(store.dir() / "runs" / "000002-broken.json", "{ not json");
  std::vector<std::string> problems;
  auto runs = store.load_runs(&problems);
  EXPECT_EQ(runs.size(), 2u);
  EXPECT_EQ(problems.size(), 1u);
  EXPECT_EQ(runs[0].item_id, "a/b/t1/p0");
  EXPECT_EQ(runs[1].item_id, "a/b/t2/p0");
  // No temporary files are left behind.
  for (const auto& e : std::filesystem::directory_iterator(store.dir() / "runs"))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos);
  EXPECT_THROW(RunStore::open(t / "nothing"), UserError);
}

TEST(RunStore, LoadRunDirectoryGivesManifestRunsAndProblems) {
  ftbench::testing::TempDir t;
  auto store = RunStore::create(t.path(), "20261130-000000-x");
  Manifest m;
  store.write_manifest(m);  // no run id written: the directory's name stands in
  store.save_run(ftbench::testing::sample_run(0, "a/b/t1/p0"));
  ftbench::testing::write_text(store.dir() / "runs" / "000001-broken.json", "[");
  const auto loaded = load_run_directory(store.dir());
  EXPECT_EQ(loaded.manifest.run_id, "20261130-000000-x");
  EXPECT_EQ(loaded.runs.size(), 1u);
  ASSERT_EQ(loaded.problems.size(), 1u);
  EXPECT_NE(loaded.problems[0].find("000001-broken.json"), std::string::npos);

  ftbench::testing::write_text(store.dir() / "manifest.json", "{\"schema\": ");
  try {
    load_run_directory(store.dir());
    FAIL() << "a damaged manifest must be refused";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("manifest.json"), std::string::npos) << e.what();
  }
}

namespace {

namespace fs = std::filesystem;

// A run directory as a finished run leaves it: manifest.json, two run files, results.json.
RunStore finished_run(const fs::path& root) {
  auto store = RunStore::create(root, "20261130-221500-smoke");
  Manifest m;
  m.run_id = "20261130-221500-smoke";
  m.config_name = "smoke";
  m.status = RunState::complete;
  plan::TestedInterpreter i;
  i.label = "3.13t";
  m.plan.interpreters = {i};
  harness::Benchmark b;
  b.id = "x/one";
  m.plan.benchmarks = {b};
  m.plan.threads = {1};
  m.plan.items = {plan::PlanItem{0, 0, 0, 0, 1, 0}, plan::PlanItem{1, 0, 0, 0, 1, 1}};
  store.write_manifest(m);
  std::vector<ProcessRun> runs = {ftbench::testing::sample_run(0, "a/b/t1/p0"), ftbench::testing::sample_run(1, "a/b/t1/p1")};
  for (const auto& r : runs) store.save_run(r);
  store.write_merged(m, runs);
  return store;
}

std::string text_of(const fs::path& path) { return ftbench::testing::read_text(path); }

std::vector<fs::path> damaged_copies(const fs::path& dir, const std::string& name) {
  std::vector<fs::path> found;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().rfind(name + ".damaged-", 0) == 0) found.push_back(e.path());
  return found;
}

}  // namespace

TEST(RunStoreRecovery, ADamagedManifestIsReadFromResultsJsonAndRebuiltUnderRepair) {
  for (const std::string damage : {"truncated", "garbage", "empty", "deleted"}) {
    SCOPED_TRACE(damage);
    ftbench::testing::TempDir t;
    const auto store = finished_run(t.path());
    const auto path = store.dir() / "manifest.json";
    const auto intact = text_of(path);
    if (damage == "truncated") ftbench::testing::write_text(path, intact.substr(0, intact.size() / 2));
    if (damage == "garbage") ftbench::testing::write_text(path, "\x7f\x45\x4c\x46 \x01\x02 not json at all");
    if (damage == "empty") ftbench::testing::write_text(path, "");
    if (damage == "deleted") fs::remove(path);
    const auto damaged = fs::exists(path) ? text_of(path) : "";

    // A reader changes nothing: it reads the manifest's fields from results.json and says so.
    const auto read = load_run_directory(store.dir());
    EXPECT_EQ(read.manifest.run_id, "20261130-221500-smoke");
    EXPECT_EQ(read.manifest.plan.items.size(), 2u);
    EXPECT_EQ(read.runs.size(), 2u);
    ASSERT_EQ(read.problems.size(), 1u);
    EXPECT_NE(read.problems[0].find("read from results.json"), std::string::npos) << read.problems[0];
    EXPECT_EQ(fs::exists(path) ? text_of(path) : "", damaged);

    // Repair rebuilds it, keeps the damaged one aside, and says so in one line.
    const auto repaired = load_run_directory(store.dir(), RunAccess::repair);
    ASSERT_EQ(repaired.problems.size(), 1u);
    EXPECT_NE(repaired.problems[0].find("rebuilt from results.json"), std::string::npos) << repaired.problems[0];
    EXPECT_EQ(text_of(path), intact);
    const auto aside = damaged_copies(store.dir(), "manifest.json");
    if (damage == "deleted") {
      EXPECT_TRUE(aside.empty());
    } else {
      ASSERT_EQ(aside.size(), 1u);
      EXPECT_EQ(text_of(aside[0]), damaged);
      EXPECT_NE(repaired.problems[0].find(aside[0].filename().string()), std::string::npos);
    }
    EXPECT_TRUE(load_run_directory(store.dir(), RunAccess::repair).problems.empty());  // repaired for good
  }
}

TEST(RunStoreRecovery, ADamagedResultsJsonIsRebuiltFromTheManifestAndRunFiles) {
  ftbench::testing::TempDir t;
  const auto store = finished_run(t.path());
  const auto path = store.dir() / "results.json";
  const auto intact = text_of(path);
  ftbench::testing::write_text(path, intact.substr(0, intact.size() / 3));
  EXPECT_TRUE(load_run_directory(store.dir()).problems.empty());  // a reader does not need it
  EXPECT_EQ(text_of(path), intact.substr(0, intact.size() / 3));
  const auto repaired = load_run_directory(store.dir(), RunAccess::repair);
  ASSERT_EQ(repaired.problems.size(), 1u);
  EXPECT_NE(repaired.problems[0].find("rebuilt from manifest.json and runs/"), std::string::npos) << repaired.problems[0];
  EXPECT_EQ(text_of(path), intact);
  EXPECT_EQ(damaged_copies(store.dir(), "results.json").size(), 1u);
}

TEST(RunStoreRecovery, BothDamagedSaysWhatIsLeftAndChangesNothing) {
  ftbench::testing::TempDir t;
  const auto store = finished_run(t.path());
  ftbench::testing::write_text(store.dir() / "manifest.json", "{\"schema\": \"ftbench-res");
  ftbench::testing::write_text(store.dir() / "results.json", "");
  const auto before = std::vector{text_of(store.dir() / "manifest.json"), text_of(store.dir() / "results.json")};
  for (auto access : {RunAccess::read, RunAccess::repair}) {
    try {
      load_run_directory(store.dir(), access);
      FAIL() << "nothing to rebuild from";
    } catch (const UserError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos);
      EXPECT_NE(what.find("manifest.json is not valid JSON"), std::string::npos) << what;
      EXPECT_NE(what.find("results.json is damaged too (empty)"), std::string::npos) << what;
      EXPECT_NE(what.find("the 2 process result(s) in runs/ are intact"), std::string::npos) << what;
      EXPECT_NE(what.find("run its config (smoke) again"), std::string::npos) << what;
    }
  }
  EXPECT_EQ(before, (std::vector{text_of(store.dir() / "manifest.json"), text_of(store.dir() / "results.json")}));
  EXPECT_TRUE(damaged_copies(store.dir(), "manifest.json").empty());
  EXPECT_EQ(store.load_runs().size(), 2u);
}

TEST(RunStoreRecovery, ANewerSchemaIsRefusedNotRebuilt) {
  ftbench::testing::TempDir t;
  const auto store = finished_run(t.path());
  ftbench::testing::write_text(store.dir() / "manifest.json", R"({"schema": "ftbench-results", "schema_version": 99})");
  try {
    load_run_directory(store.dir(), RunAccess::repair);
    FAIL() << "a newer schema is not damage";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("newer"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(damaged_copies(store.dir(), "manifest.json").empty());
}

TEST(RunStoreRecovery, RepairRemovesTheTemporariesOfADeadWriter) {
  ftbench::testing::TempDir t;
  const auto store = finished_run(t.path());
  const pid_t dead = ::fork();  // a pid that surely no longer runs
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const auto stale = ".tmp." + std::to_string(dead);
  const auto live = store.dir() / (".summary.md.tmp." + std::to_string(::getpid()));
  fs::create_directories(store.dir() / "pyperf");
  for (const auto& f : {store.dir() / (".results.json" + stale), store.dir() / "runs" / (".000002-x.json" + stale),
                        store.dir() / "pyperf" / (".3.13t.json" + stale), live})
    ftbench::testing::write_text(f, "{\"half");
  load_run_directory(store.dir());
  EXPECT_TRUE(fs::exists(store.dir() / (".results.json" + stale)));  // a reader leaves them
  load_run_directory(store.dir(), RunAccess::repair);
  EXPECT_FALSE(fs::exists(store.dir() / (".results.json" + stale)));
  EXPECT_FALSE(fs::exists(store.dir() / "runs" / (".000002-x.json" + stale)));
  EXPECT_FALSE(fs::exists(store.dir() / "pyperf" / (".3.13t.json" + stale)));
  EXPECT_TRUE(fs::exists(live)) << "a live writer's temporary stays";
}
