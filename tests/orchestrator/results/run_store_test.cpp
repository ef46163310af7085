#include "results/run_store.h"

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
