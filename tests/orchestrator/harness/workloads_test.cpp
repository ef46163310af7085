#include "harness/workloads.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace ftbench::harness {
namespace {

TEST(Environment, AllowListOnlyPlusInterpreterVariables) {
  setenv("PYTHON_GIL", "0", 1);
  setenv("PYTHONPATH", "/somewhere", 1);
  setenv("LC_ALL", "C.UTF-8", 1);
  auto env = child_environment({{"PYTHON_GIL", "1"}}, "/w");
  unsetenv("PYTHON_GIL");
  unsetenv("PYTHONPATH");
  EXPECT_EQ(env.at("PYTHON_GIL"), "1");   // the interpreter's own setting wins
  EXPECT_EQ(env.at("PYTHONPATH"), "/w");  // never the caller's
  EXPECT_EQ(env.at("LC_ALL"), "C.UTF-8");
  EXPECT_TRUE(env.count("PATH"));
  for (const auto& [k, v] : env)
    EXPECT_TRUE(k == "PATH" || k == "HOME" || k == "TMPDIR" || k == "TEMP" || k == "TMP" || k == "LANG" ||
                k == "LANGUAGE" || k == "TZ" || k == "USER" || k == "LOGNAME" || k.rfind("LC_", 0) == 0 ||
                k == "PYTHONPATH" || k == "PYTHONDONTWRITEBYTECODE" || k == "PYTHON_GIL")
        << k;
}

}  // namespace
}  // namespace ftbench::harness
