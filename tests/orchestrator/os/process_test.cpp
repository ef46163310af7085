#include "os/process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include "../test_support.h"
#include "os/files.h"
#include "os/pipe.h"
#include "util/error.h"

using namespace ftbench;
using namespace ftbench::os;

TEST(Process, ExitCodesAndSignalsAreDistinguished) {
  auto r = run_and_capture({"/bin/sh", "-c", "echo out; echo err >&2; exit 9"}, {{"PATH", "/bin"}}, std::chrono::seconds(10));
  EXPECT_FALSE(r.status.signaled);
  EXPECT_EQ(r.status.code, 9);
  EXPECT_EQ(r.out, "out\n");
  EXPECT_EQ(r.err, "err\n");
  auto k = run_and_capture({"/bin/sh", "-c", "kill -9 $$"}, {}, std::chrono::seconds(10));
  EXPECT_TRUE(k.status.signaled);
  EXPECT_EQ(k.status.code, SIGKILL);
  EXPECT_EQ(k.status.describe(), "killed by signal 9 (SIGKILL)");
}

TEST(Process, EnvironmentIsExactlyWhatWasGiven) {
  setenv("FTBENCH_SHOULD_NOT_LEAK", "1", 1);
  auto r = run_and_capture({"/usr/bin/env"}, {{"ONLY", "this"}}, std::chrono::seconds(10));
  unsetenv("FTBENCH_SHOULD_NOT_LEAK");
  EXPECT_EQ(r.out, "ONLY=this\n");
}

TEST(Process, CapturedOutputIsNeverNamedInTheTemporaryDirectory) {
  // A SIGKILLed orchestrator cleans nothing up (crash trials, e2e.CrashTrials): while the child
  // runs, its captured output must have no name that could be left behind.
  ftbench::testing::TempDir t;
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  setenv("TMPDIR", t.path().c_str(), 1);
  auto r = run_and_capture({"/bin/ls", "-A", t.path().string()}, {}, std::chrono::seconds(10));
  auto e = run_and_capture({"/bin/sh", "-c", "echo out; echo err >&2"}, {{"PATH", "/bin"}}, std::chrono::seconds(10));
  if (before) setenv("TMPDIR", saved.c_str(), 1); else unsetenv("TMPDIR");
  EXPECT_TRUE(r.status.success()) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(e.out, "out\n");
  EXPECT_EQ(e.err, "err\n");
  EXPECT_TRUE(std::filesystem::is_empty(t.path()));
}

TEST(Process, TimeoutKillsTheWholeProcessGroup) {
  ftbench::testing::TempDir t;
  auto pidfile = t / "grandchild.pid";
  // The child starts a grandchild that would outlive it; killing the group must take both.
  auto r = run_and_capture({"/bin/sh", "-c", "sleep 60 & echo $! > " + pidfile.string() + "; wait"}, {{"PATH", "/bin:/usr/bin"}},
                           std::chrono::seconds(3));  // long enough for a loaded machine to start sh
  EXPECT_TRUE(r.timed_out);
  auto pid = std::stoi(read_file(pidfile));
  // Reaped by init eventually; it must at least be dead or a zombie now.
  for (int i = 0; i < 100 && ::kill(pid, 0) == 0; ++i) {
    std::string state = read_file("/proc/" + std::to_string(pid) + "/stat");
    if (state.find(") Z") != std::string::npos) break;
    ::usleep(10000);
  }
  bool alive = ::kill(pid, 0) == 0 &&
               read_file("/proc/" + std::to_string(pid) + "/stat").find(") Z") == std::string::npos;
  EXPECT_FALSE(alive);
}

TEST(Process, FdMappingAndNoStrayDescriptors) {
  auto commands = Pipe::create();
  auto reports = Pipe::create();
  SpawnOptions o;
  // The child writes a line on fd 4 and lists its open fds on stdout.
  ftbench::testing::TempDir t;
  o.argv = {"/bin/sh", "-c", "echo '{\"type\":\"hello\"}' >&4; ls /proc/self/fd"};
  o.env = {{"PATH", "/bin:/usr/bin"}};
  o.stdout_path = t / "out";
  o.fds = {{commands.read_end.get(), 3}, {reports.write_end.get(), 4}};
  auto child = ChildProcess::spawn(o);
  commands.read_end.reset();
  reports.write_end.reset();  // ours closed: EOF arrives when the child's copy goes
  std::string received;
  char buf[256];
  for (ssize_t n; (n = ::read(reports.read_end.get(), buf, sizeof buf)) > 0;) received.append(buf, static_cast<size_t>(n));
  EXPECT_EQ(received, "{\"type\":\"hello\"}\n");
  auto status = child.wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->success());
  // 0,1,2, the two channel fds and ls's own directory fd: nothing of ours leaked.
  auto listing = read_file(t / "out");
  int count = 0;
  for (char c : listing) count += c == '\n';
  EXPECT_LE(count, 6) << listing;
}

TEST(Process, MissingProgramIsAUserError) {
  SpawnOptions o;
  o.argv = {"/nonexistent/python3"};
  EXPECT_THROW(ChildProcess::spawn(o), UserError);
}

TEST(Process, PinsToTheGivenCpu) {
  ftbench::testing::TempDir t;
  SpawnOptions o;
  o.argv = {"/bin/sh", "-c", "grep Cpus_allowed_list /proc/self/status"};
  o.stdout_path = t / "out";
  o.cpus = {0};
  auto child = ChildProcess::spawn(o);
  ASSERT_TRUE(child.wait_for(std::chrono::seconds(10)));
  EXPECT_NE(read_file(t / "out").find("Cpus_allowed_list:\t0\n"), std::string::npos);
}
