#include "synthetic_run.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "results/run_store.h"

namespace fs = std::filesystem;

namespace ftbench::testing {
namespace {

// Writes the demonstration run as orchestrate would. With FTBENCH_SYNTHETIC_RUN_DIR set (the
// `report_fixture_run` ctest fixture) it goes there, for the dashboard's browser test;
// otherwise into a temporary directory. Either way it must read back intact.
TEST(SyntheticRunFixture, WritesARunDirectoryThatReadsBack) {
  const char* target = std::getenv("FTBENCH_SYNTHETIC_RUN_DIR");
  const fs::path root = target && *target ? fs::path(target)
                                          : fs::temp_directory_path() / ("ftbench-synthetic-" + std::to_string(::getpid()));
  const auto run = demo_run();
  const auto dir = run.write(root);
  auto store = results::RunStore::open(dir);
  const auto manifest = store.read_manifest();
  EXPECT_EQ(manifest.run_id, run.manifest().run_id);
  EXPECT_EQ(manifest.plan.items.size(), run.runs().size());
  const auto runs = store.load_runs();
  ASSERT_EQ(runs.size(), run.runs().size());
  EXPECT_EQ(runs.front().iterations.size(), run.runs().front().iterations.size());
  if (!(target && *target)) fs::remove_all(root);
}

}  // namespace
}  // namespace ftbench::testing
