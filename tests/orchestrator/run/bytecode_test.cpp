#include "run/bytecode.h"

#include <gtest/gtest.h>

#include "../test_support.h"

using namespace ftbench;

TEST(Bytecode, OneCachePerBinaryNotPerPlanEntry) {
  plan::Plan p;
  for (auto exe : {"/a/python3.13t", "/b/python3.13", "/a/python3.13t"}) {
    plan::TestedInterpreter i;
    i.interpreter.executable = exe;
    p.interpreters.push_back(i);
  }
  p.interpreters[2].env = {{"PYTHON_GIL", "1"}};
  EXPECT_EQ(run::pycache_dir("/r", p, 0), "/r/0");
  EXPECT_EQ(run::pycache_dir("/r", p, 1), "/r/1");
  EXPECT_EQ(run::pycache_dir("/r", p, 2), "/r/0");  // same binary, other environment
}

TEST(Bytecode, APrecompileKilledHalfWayLeavesNoUnfinishedFile) {
  ftbench::testing::TempDir t;
  plan::Plan p;
  plan::TestedInterpreter i;
  i.label = "fake";
  i.interpreter.path = i.interpreter.executable = "/bin/true";  // "compiles" by exiting 0
  p.interpreters.push_back(i);
  // importlib's temporary for one .pyc, as a killed compileall leaves it, beside a finished one.
  const auto dir = t / "pycache" / "0" / "work" / "workloads";
  ftbench::testing::write_text(dir / "a.cpython-313.pyc.140230712", "half");
  ftbench::testing::write_text(dir / "a.cpython-313.pyc", "whole");
  run::precompile_workloads(p, t / "workloads", t / "pycache");
  EXPECT_FALSE(std::filesystem::exists(dir / "a.cpython-313.pyc.140230712"));
  EXPECT_TRUE(std::filesystem::exists(dir / "a.cpython-313.pyc"));
}
