#include "harness/benchmark.h"

#include <gtest/gtest.h>

namespace ftbench::harness {
namespace {

TEST(Expectation, BuildsThreadsAndVersionsAsPROTOCOLmdDefinesThem) {
  const discovery::PythonVersion v313{3, 13, 5}, v314{3, 14, 0};
  const Expectation ft{BuildKind::free_threaded, ThreadCondition::several, "any", ExpectedRatio::higher};
  EXPECT_TRUE(ft.applies(true, false, v313, 2));
  EXPECT_FALSE(ft.applies(true, false, v313, 1));
  EXPECT_FALSE(ft.applies(true, true, v313, 2)) << "a free-threaded build with the GIL on is not free_threaded";
  EXPECT_FALSE(ft.applies(false, true, v313, 2));
  const Expectation gil{BuildKind::gil, ThreadCondition::any, "any", ExpectedRatio::equal};
  EXPECT_TRUE(gil.applies(false, true, v313, 4));
  EXPECT_FALSE(gil.applies(true, true, v313, 4)) << "gil means a default build; PYTHON_GIL=1 matches only any";
  const Expectation before{BuildKind::free_threaded, ThreadCondition::any, "<3.14", ExpectedRatio::equal};
  EXPECT_TRUE(before.applies(true, false, v313, 1));
  EXPECT_FALSE(before.applies(true, false, v314, 1));
  const Expectation from{BuildKind::free_threaded, ThreadCondition::any, ">=3.14", ExpectedRatio::higher};
  EXPECT_TRUE(from.applies(true, false, {3, 14, 2}, 1));
  const Expectation unreadable{BuildKind::any, ThreadCondition::any, "3.x", ExpectedRatio::equal};
  EXPECT_FALSE(unreadable.applies(false, true, v313, 1));
}

TEST(Benchmark, ReadsThePairAsTheHarnessListsIt) {
  const auto doc = json::parse(R"({"id": "memory/ordering/false_sharing_baseline", "kind": "suite", "scaling": "weak",
    "pair": {"id": "false_sharing", "role": "subject", "other": "memory/ordering/false_sharing_padded",
      "expected": [{"build": "any", "threads": "1", "python": "any", "ratio": "equal"},
                   {"build": "free_threaded", "threads": ">=2", "python": "any", "ratio": "higher"}]},
    "tags": ["memory"], "op_name": "increment"})");
  ASSERT_TRUE(doc);
  Benchmark b;
  json::read(*doc, b);
  ASSERT_TRUE(b.pair);
  EXPECT_EQ(b.pair->role, PairRole::subject);
  ASSERT_EQ(b.pair->expected.size(), 2u);
  EXPECT_EQ(b.pair->expected[0].threads, ThreadCondition::one);
  EXPECT_EQ(b.pair->expected[1].ratio, ExpectedRatio::higher);
  EXPECT_EQ(b.group(), "memory");
  const auto latency = json::parse(R"({"id": "baseline/thread_creation", "scaling": "latency", "pair": null})");
  Benchmark t;
  json::read(*latency, t);
  EXPECT_EQ(t.scaling, Scaling::latency);
  EXPECT_FALSE(t.pair);
}

}  // namespace
}  // namespace ftbench::harness
