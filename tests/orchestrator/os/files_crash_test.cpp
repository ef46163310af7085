// What a process killed inside write_file_atomically leaves behind, and who may remove it.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../test_support.h"
#include "os/files.h"

using namespace ftbench;
namespace fs = std::filesystem;

namespace {

// A pid no process has now: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t pid = ::fork();
  if (pid == 0) ::_exit(0);
  ::waitpid(pid, nullptr, 0);
  return pid;
}

}  // namespace

TEST(StaleTemporaries, OnlyThoseOfProcessesThatNoLongerRunAreRemoved) {
  ftbench::testing::TempDir t;
  const auto dead = std::to_string(dead_pid());
  const auto alive = std::to_string(::getpid());
  const std::vector<std::string> kept = {".manifest.json.tmp." + alive, "results.json", ".hidden", ".x.tmp.",
                                         ".y.tmp.12ab", "z.json.tmp." + dead};
  for (const auto& name : kept) ftbench::testing::write_text(t / name, "x");
  for (const auto& name : {".results.json.tmp." + dead, "runs/.000001-a.json.tmp." + dead})
    ftbench::testing::write_text(t / name, "x");
  EXPECT_EQ(os::remove_stale_temporaries(t.path(), false), 1u);
  EXPECT_FALSE(fs::exists(t / (".results.json.tmp." + dead)));
  EXPECT_TRUE(fs::exists(t / ("runs/.000001-a.json.tmp." + dead))) << "not recursive";
  EXPECT_EQ(os::remove_stale_temporaries(t.path(), true), 1u);
  EXPECT_FALSE(fs::exists(t / ("runs/.000001-a.json.tmp." + dead)));
  // A live writer's temporary, and names write_file_atomically never makes, stay.
  for (const auto& name : kept) EXPECT_TRUE(fs::exists(t / name)) << name;
  EXPECT_EQ(os::remove_stale_temporaries(t / "no-such-dir", true), 0u);
}
