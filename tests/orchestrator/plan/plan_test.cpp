#include "plan/plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "plan/builder.h"
#include "util/error.h"
#include "build_paths.h"  // generated: FTBENCH_SOURCE_DIR and friends

using namespace ftbench;
using namespace ftbench::plan;

TEST(Interleave, EveryRoundVisitsEveryInterpreterOncePerCell) {
  auto items = interleave(4, 3, {1, 2}, 5, 1234);
  ASSERT_EQ(items.size(), 4u * 3u * 2u * 5u);
  std::map<std::tuple<int, size_t, int>, std::set<size_t>> seen;  // (round, bench, threads) -> interpreters
  for (size_t i = 0; i < items.size(); ++i) {
    EXPECT_EQ(items[i].sequence, i);
    EXPECT_EQ(items[i].process_index, items[i].round);
    auto& cell = seen[std::make_tuple(items[i].round, items[i].benchmark, items[i].threads)];
    EXPECT_TRUE(cell.insert(items[i].interpreter).second);
  }
  for (const auto& [cell, interps] : seen) EXPECT_EQ(interps.size(), 4u);
  // Rounds are contiguous: drift within a round hits all interpreters alike.
  for (size_t i = 1; i < items.size(); ++i) EXPECT_GE(items[i].round, items[i - 1].round);
}

TEST(Interleave, SeedDeterminesOrderAndOrdersDiffer) {
  auto order = [](uint64_t seed) {
    std::vector<size_t> o;
    for (const auto& i : interleave(5, 4, {1}, 3, seed)) o.push_back(i.interpreter);
    return o;
  };
  EXPECT_EQ(order(7), order(7));
  EXPECT_NE(order(7), order(8));
  // Not a fixed rotation: across cells the first interpreter varies.
  std::set<size_t> firsts;
  auto items = interleave(5, 4, {1}, 3, 7);
  for (size_t i = 0; i < items.size(); i += 5) firsts.insert(items[i].interpreter);
  EXPECT_GT(firsts.size(), 1u);
}

TEST(Interleave, ShuffledRoundsKeepEveryItemOnceButMixTheCells) {
  const auto by_cell = interleave(3, 4, {1, 2}, 4, 99);
  const auto shuffled = interleave(3, 4, {1, 2}, 4, 99, config::Order::shuffled);
  ASSERT_EQ(shuffled.size(), by_cell.size());
  std::set<std::tuple<int, size_t, size_t, int>> a, b;
  for (const auto& i : by_cell) a.emplace(i.round, i.interpreter, i.benchmark, i.threads);
  for (const auto& i : shuffled) b.emplace(i.round, i.interpreter, i.benchmark, i.threads);
  EXPECT_EQ(a, b);  // the same processes
  size_t cell_changes = 0;
  for (size_t i = 0; i < shuffled.size(); ++i) {
    EXPECT_EQ(shuffled[i].sequence, i);
    if (i > 0) {
      EXPECT_GE(shuffled[i].round, shuffled[i - 1].round) << "rounds stay contiguous";
      cell_changes += shuffled[i].benchmark != shuffled[i - 1].benchmark || shuffled[i].threads != shuffled[i - 1].threads;
    }
  }
  // By cell, the cell changes every 3 items; shuffled, nearly every item.
  EXPECT_GT(cell_changes, shuffled.size() / 2);
}

TEST(Glob, SelectsSuitePathsAsUsersExpect) {
  EXPECT_TRUE(glob_match("memory/ordering/*", "memory/ordering/false_sharing_padded"));
  EXPECT_FALSE(glob_match("memory/ordering/*", "memory/ref_counting/thread_local"));
  EXPECT_TRUE(glob_match("memory/*", "memory/ref_counting/thread_local"));  // a group selects all of it
  EXPECT_TRUE(glob_match("memory", "memory/ordering/sequential"));
  EXPECT_TRUE(glob_match("*", "baseline/cpu"));
  EXPECT_TRUE(glob_match("**/false_sharing_*", "memory/ordering/false_sharing_baseline"));
  EXPECT_FALSE(glob_match("mem", "memory/ordering/sequential"));
  EXPECT_TRUE(glob_match("gil/contention", "gil/contention"));
}

TEST(Select, IncludeExcludeTagsAndTypos) {
  std::vector<harness::Benchmark> catalog;
  for (auto [id, tag] : {std::pair{"memory/ordering/sequential", "memory"}, {"memory/ordering/strided", "memory"},
                         {"gil/contention", "gil"}, {"baseline/cpu", "cpu"}}) {
    harness::Benchmark b;
    b.id = id;
    b.tags = {tag};
    catalog.push_back(b);
  }
  config::BenchmarkSelection s;
  s.include = {"memory/*", "gil/*"};
  s.exclude = {"memory/ordering/strided"};
  auto out = select_benchmarks(catalog, s);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].id, "memory/ordering/sequential");
  EXPECT_EQ(out[1].id, "gil/contention");
  s.tags = {"gil"};
  EXPECT_EQ(select_benchmarks(catalog, s).size(), 1u);
  config::BenchmarkSelection typo;
  typo.include = {"memroy/*"};
  EXPECT_THROW(select_benchmarks(catalog, typo), UserError);
}

TEST(Threads, NcpuAndDuplicates) {
  std::vector<config::ThreadSetting> s{{false, 1}, {false, 2}, {true, 0}, {false, 2}};
  EXPECT_EQ(resolve_threads(s, 8), (std::vector<int>{1, 2, 8}));
  EXPECT_EQ(resolve_threads(s, 2), (std::vector<int>{1, 2}));
}

TEST(Describe, DryRunShowsMatrixAndEstimate) {
  Plan p;
  TestedInterpreter i;
  i.label = "3.13t";
  i.interpreter.version_text = "3.13.5";
  i.interpreter.free_threaded_build = true;
  p.interpreters = {i};
  harness::Benchmark b;
  b.id = "gil/contention";
  p.benchmarks = {b};
  p.threads = {1, 2};
  p.items = interleave(1, 1, p.threads, 2, 1);
  auto text = describe(p);
  EXPECT_NE(text.find("Plan: 4 processes"), std::string::npos) << text;
  EXPECT_NE(text.find("3.13t/gil/contention/t2/p1"), std::string::npos) << text;
  EXPECT_NE(text.find("Estimated duration"), std::string::npos) << text;
}

namespace {

discovery::Interpreter found_interpreter(const std::string& version, bool free_threaded,
                                         std::optional<discovery::Source> source, const std::string& install = "") {
  discovery::Interpreter i;
  i.implementation = "cpython";
  i.version = *discovery::PythonVersion::parse(version);
  i.version_text = version;
  i.free_threaded_build = free_threaded;
  i.gil_enabled = !free_threaded;
  i.source = source;
  const auto minor = std::to_string(i.version.major) + "." + std::to_string(i.version.minor);
  i.path = install.empty() ? "/opt/" + version + (free_threaded ? "t" : "") + "/bin/python" + minor
                           : install + (free_threaded ? "/nogil/bin/python" + minor + "t" : "/gil/bin/python" + minor);
  i.executable = i.path;
  return i;
}

}  // namespace

// configs/default.yaml on a machine with 3.13 and 3.14 pairs and a lone 3.15t: the newest
// free-threaded CPython (3.15t), the nearest default build standing in for 3.15 (3.14, from its
// provisioned pair), a warning, labels from the versions found, and every answer recorded.
TEST(Resolve, TheDefaultConfigFollowsTheNewestFreeThreadedCPython) {
  auto config = config::load_config(std::string(FTBENCH_SOURCE_DIR) + "/configs/default.yaml");
  discovery::DiscoveryResult found;
  using discovery::Source;
  found.interpreters = {found_interpreter("3.13.5", false, Source::provisioned, "/c/3.13.5-plain"),
                        found_interpreter("3.13.5", true, Source::provisioned, "/c/3.13.5-plain"),
                        found_interpreter("3.14.0", false, Source::provisioned, "/c/3.14.0-plain"),
                        found_interpreter("3.14.0", true, Source::provisioned, "/c/3.14.0-plain"),
                        found_interpreter("3.15.0a1", true, Source::uv),
                        found_interpreter("3.12.7", false, Source::pyenv),
                        found_interpreter("3.11.2", false, Source::system)};
  const auto tested = resolve_interpreters(config, found);
  ASSERT_EQ(tested.size(), 4u);
  std::map<std::string, const TestedInterpreter*> by_label;
  for (const auto& t : tested) by_label[t.label] = &t;
  ASSERT_EQ(by_label.count("baseline") + by_label.count("3.14") + by_label.count("3.15t") + by_label.count("3.15t+GIL"),
            4u);
  EXPECT_EQ(by_label["baseline"]->interpreter.version_text, "3.12.7");
  EXPECT_TRUE(by_label["baseline"]->baseline);
  EXPECT_EQ(by_label["3.15t"]->interpreter.version_text, "3.15.0a1");
  EXPECT_EQ(by_label["3.15t+GIL"]->env.at("PYTHON_GIL"), "1");
  const auto& stand_in = *by_label["3.14"];
  EXPECT_EQ(stand_in.interpreter.path, "/c/3.14.0-plain/gil/bin/python3.14");
  ASSERT_TRUE(stand_in.resolution);
  EXPECT_EQ(stand_in.resolution->stand_in_for, "3.15");
  EXPECT_NE(stand_in.resolution->warning.find("no default (GIL) build of 3.15"), std::string::npos);
  for (const auto& t : tested) {
    ASSERT_TRUE(t.resolution) << t.label;
    EXPECT_FALSE(t.resolution->reason.empty()) << t.label;
  }

  // With a 3.15 pair installed too, the same config picks it, matched.
  found.interpreters.push_back(found_interpreter("3.15.0a1", false, Source::provisioned, "/c/3.15.0a1-plain"));
  found.interpreters.push_back(found_interpreter("3.15.0a1", true, Source::provisioned, "/c/3.15.0a1-plain"));
  const auto paired = resolve_interpreters(config, found);
  EXPECT_EQ(paired[1].label, "3.15");
  EXPECT_EQ(paired[1].interpreter.path, "/c/3.15.0a1-plain/gil/bin/python3.15");
  EXPECT_EQ(paired[2].interpreter.path, "/c/3.15.0a1-plain/nogil/bin/python3.15t");
  EXPECT_TRUE(paired[1].resolution->warning.empty());

  // Nothing free-threaded at all: a clear error naming the entry's position and what is missing.
  found.interpreters = {found_interpreter("3.12.7", false, Source::pyenv)};
  try {
    resolve_interpreters(config, found);
    FAIL() << "expected an error";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("default.yaml:"), std::string::npos) << what;
    EXPECT_NE(what.find("no free-threaded CPython found"), std::string::npos) << what;
  }
}

TEST(Describe, DryRunSaysHowEachInterpreterWasChosen) {
  Plan p;
  TestedInterpreter i;
  i.label = "3.14";
  i.interpreter.version_text = "3.14.0";
  i.resolution = discovery::SelectionNote{"the default build of the newest free-threaded CPython's version",
                                          "3.14.0 (...): the nearest default build, standing in for 3.15",
                                          "the newest free-threaded CPython found, 3.15.0a1t ..., has no default",
                                          "3.15"};
  p.interpreters = {i};
  const auto text = describe(p);
  EXPECT_NE(text.find("the default build of the newest free-threaded CPython's version -> 3.14.0 (...)"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("warning: the newest free-threaded CPython found, 3.15.0a1t"), std::string::npos) << text;
}
