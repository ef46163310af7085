#include "run/bytecode.h"

#include <gtest/gtest.h>

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
