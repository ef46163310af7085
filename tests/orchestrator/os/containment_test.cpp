#include "os/containment.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "../test_support.h"
#include "os/files.h"
#include "os/process.h"

using namespace ftbench;
using namespace ftbench::os;
namespace fs = std::filesystem;

namespace {

const char* kPython = "/usr/bin/python3";

// The issue's script: fork, setsid, fork again; the grandchild writes its pid and sleeps.
// The process itself exits at once, once the pid file is there.
const char* kDaemonise = R"(
import os, sys, time
pid = os.fork()
if pid == 0:
    os.setsid()
    if os.fork() == 0:
        with open(sys.argv[1] + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename(sys.argv[1] + ".tmp", sys.argv[1])
        time.sleep(300)
        os._exit(0)
    os._exit(0)
os.waitpid(pid, 0)
while not os.path.exists(sys.argv[1]):
    time.sleep(0.01)
)";

// Dead, or a zombie nobody reaped yet (we may be its subreaper: reap it then).
bool gone(pid_t pid) {
  for (int i = 0; i < 500; ++i) {
    int status = 0;
    ::waitpid(pid, &status, WNOHANG);
    if (::kill(pid, 0) != 0) return true;
    const auto stat = read_first_line("/proc/" + std::to_string(pid) + "/stat").value_or("");
    if (stat.find(") Z") != std::string::npos || stat.find(") X") != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

struct Outcome {
  ExitStatus status;
  ContainmentReport report;
};

// Spawns `argv` contained with `limits`, waits for it, finishes the containment.
Outcome run_contained(Containment& containment, const std::vector<std::string>& argv, const ResourceLimits& limits = {},
                      const fs::path& stdout_path = {}) {
  auto contained = containment.contain(limits);
  SpawnOptions options;
  options.argv = argv;
  options.env = {{"PATH", "/usr/bin:/bin"}};
  options.stdout_path = stdout_path;
  contained.prepare(options);
  auto child = ChildProcess::spawn(options);
  auto status = child.wait_for(std::chrono::seconds(120));
  if (!status) status = child.kill_group(SIGKILL);
  return {*status, contained.finish()};
}

bool has_subdirectories(const fs::path& dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec)) return true;
  return false;
}

void expect_daemon_found_and_killed(Containment& containment) {
  ftbench::testing::TempDir t;
  const auto pidfile = t / "daemon.pid";
  const auto out = run_contained(containment, {kPython, "-c", kDaemonise, pidfile.string()});
  ASSERT_TRUE(out.status.success()) << out.status.describe();
  const auto daemon = static_cast<pid_t>(std::stoi(read_file(pidfile)));
  ASSERT_EQ(out.report.leftovers.size(), 1u);
  EXPECT_EQ(out.report.leftovers[0].pid, daemon);
  EXPECT_EQ(out.report.leftovers[0].command, "python3");
  EXPECT_TRUE(gone(daemon)) << "the daemonised grandchild " << daemon << " is still running";
}

}  // namespace

TEST(Containment, ThisMachineUsesCgroupV2OrSaysWhyNot) {
  const auto support = ContainmentSupport::probe();
  EXPECT_FALSE(support.reason.empty());
  EXPECT_FALSE(support.memory_reason.empty());
  if (support.method == ContainmentMethod::subreaper) {
    EXPECT_FALSE(support.advice.empty());
  }
  std::printf("containment here: %s\n", support.describe().c_str());
}

TEST(Containment, CgroupV2FindsAndKillsADaemonisedGrandchild) {
  Containment containment;
  if (containment.support().method != ContainmentMethod::cgroup_v2)
    GTEST_SKIP() << "no writable cgroup v2 here: " << containment.support().reason;
  expect_daemon_found_and_killed(containment);
  EXPECT_FALSE(has_subdirectories(containment.run_cgroup_v2())) << "a leaf cgroup was left behind";
  const auto run_dir = containment.run_cgroup_v2();
  EXPECT_TRUE(fs::exists(run_dir));
}

TEST(Containment, TheRunCgroupIsRemovedAtTheEnd) {
  ftbench::testing::TempDir t;
  const auto pidfile = t.path() / "daemon.pid";
  pid_t daemon = 0;
  fs::path run_dir, v1_dir;
  {
    Containment containment;
    if (containment.support().method != ContainmentMethod::cgroup_v2)
      GTEST_SKIP() << "no writable cgroup v2 here: " << containment.support().reason;
    run_dir = containment.run_cgroup_v2();
    v1_dir = containment.run_cgroup_v1_memory();
    // A daemon still running when the run ends (nobody called finish()) is killed with its
    // cgroup: the process itself has exited, so no process-group kill can reach the daemon.
    auto contained = containment.contain({});
    SpawnOptions options;
    options.argv = {kPython, "-c", kDaemonise, pidfile.string()};
    contained.prepare(options);
    auto child = ChildProcess::spawn(options);
    ASSERT_TRUE(child.wait_for(std::chrono::seconds(60)));
    daemon = static_cast<pid_t>(std::stol(read_first_line(pidfile).value_or("0")));
    ASSERT_GT(daemon, 0);
    EXPECT_EQ(::kill(daemon, 0), 0) << "the daemon should still run before the run ends";
  }
  EXPECT_TRUE(gone(daemon)) << "the daemon " << daemon << " outlived the run's containment";
  EXPECT_FALSE(fs::exists(run_dir));
  if (!v1_dir.empty()) {
    EXPECT_FALSE(fs::exists(v1_dir));
  }
}

TEST(Containment, SubreaperFindsAndKillsADaemonisedGrandchild) {
  ContainmentOptions options;
  options.force_subreaper = true;  // the fallback, on this machine too
  Containment containment(options);
  ASSERT_EQ(containment.support().method, ContainmentMethod::subreaper);
  EXPECT_TRUE(containment.run_cgroup_v2().empty());
  expect_daemon_found_and_killed(containment);
  // A process with no descendants leaves nothing, and our own children are never swept.
  auto other = ChildProcess::spawn([] {
    SpawnOptions o;
    o.argv = {"/bin/sleep", "30"};
    return o;
  }());
  const auto clean = run_contained(containment, {"/bin/true"});
  EXPECT_TRUE(clean.report.leftovers.empty());
  EXPECT_FALSE(other.poll().has_value()) << "the sweep killed a child we spawned ourselves";
  other.kill_group(SIGKILL);
}

TEST(Containment, StaleCgroupsOfADeadOrchestratorAreEmptiedAndRemoved) {
  const auto support = ContainmentSupport::probe();
  if (support.method != ContainmentMethod::cgroup_v2)
    GTEST_SKIP() << "no writable cgroup v2 here: " << support.reason;
  // A pid that is certainly dead: a child that exited and was reaped.
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const auto stale = support.cgroup_v2_dir / ("ftbench-" + std::to_string(dead));
  const auto leaf = stale / "p0";
  fs::create_directories(leaf);
  // A survivor of that orchestrator, still running in the stale leaf.
  auto survivor = ChildProcess::spawn([] {
    SpawnOptions o;
    o.argv = {"/bin/sleep", "300"};
    return o;
  }());
  std::ofstream(leaf / "cgroup.procs") << survivor.pid() << std::flush;
  ASSERT_NE(read_file(leaf / "cgroup.procs").find(std::to_string(survivor.pid())), std::string::npos);
  Containment containment;
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_NE(std::find(containment.removed_stale().begin(), containment.removed_stale().end(), stale),
            containment.removed_stale().end());
  const auto status = survivor.wait_for(std::chrono::seconds(10));
  ASSERT_TRUE(status.has_value()) << "the stale cgroup's process is still running";
  EXPECT_TRUE(status->signaled);
}

TEST(Containment, CpuTimeOfTheWholeTreeIsAccounted) {
  Containment containment;
  if (containment.support().method != ContainmentMethod::cgroup_v2)
    GTEST_SKIP() << "CPU accounting needs cgroup v2: " << containment.support().reason;
  // Burns at least 300 ms of CPU in a grandchild: the tree's time, not just the child's.
  const auto out = run_contained(containment, {kPython, "-c",
                                               "import os, time\n"
                                               "if os.fork() == 0:\n"
                                               "    t = time.process_time()\n"
                                               "    while time.process_time() - t < 0.3: pass\n"
                                               "    os._exit(0)\n"
                                               "os.wait()\n"});
  ASSERT_TRUE(out.status.success()) << out.status.describe();
  ASSERT_TRUE(out.report.cpu_seconds.has_value());
  EXPECT_GE(*out.report.cpu_seconds, 0.3);
}

TEST(Containment, MemoryLimitKillsTheProcessAndSaysSo) {
  Containment containment;
  if (containment.support().memory == MemoryControl::none)
    GTEST_SKIP() << "no memory controller here: " << containment.support().memory_reason;
  // 256 MB of written pages against a 64 MB limit.
  const auto out = run_contained(containment, {kPython, "-c", "b = b'x' * (256 << 20)\nprint(len(b))"},
                                 {.memory_bytes = 64ULL << 20, .open_files = {}});
  EXPECT_TRUE(out.status.signaled) << out.status.describe();
  EXPECT_EQ(out.status.code, SIGKILL);
  EXPECT_TRUE(out.report.memory_limit_hit);
  EXPECT_EQ(out.report.memory_limit_bytes, 64ULL << 20);
}

TEST(Containment, PeakMemoryCoversAKnownAllocation) {
  Containment containment;
  if (containment.support().memory == MemoryControl::none)
    GTEST_SKIP() << "no memory controller here: " << containment.support().memory_reason;
  const auto out = run_contained(containment, {kPython, "-c", "b = b'x' * (96 << 20)\nprint(len(b))"},
                                 {.memory_bytes = 1ULL << 30, .open_files = {}});
  ASSERT_TRUE(out.status.success()) << out.status.describe();
  EXPECT_FALSE(out.report.memory_limit_hit);
  ASSERT_TRUE(out.report.memory_peak_bytes.has_value());
  EXPECT_GE(*out.report.memory_peak_bytes, 96ULL << 20);
}

TEST(Containment, OpenFilesLimitIsTheChildsRlimit) {
  ContainmentOptions options;
  options.force_subreaper = true;  // RLIMIT_NOFILE does not depend on the method
  Containment containment(options);
  ftbench::testing::TempDir t;
  const auto out = run_contained(containment, {"/bin/sh", "-c", "ulimit -n"}, {.memory_bytes = {}, .open_files = 64}, t / "out");
  ASSERT_TRUE(out.status.success());
  EXPECT_EQ(read_file(t / "out"), "64\n");
}

// Not a timing assertion: prints what a cgroup per process costs here (set up + tear down,
// against a plain spawn), and checks every leaf is gone after each process.
TEST(Containment, SetupAndTeardownCostIsPrinted) {
  Containment containment;
  const int n = 20;
  using Clock = std::chrono::steady_clock;
  auto plain_spawn = [] {
    SpawnOptions o;
    o.argv = {"/bin/true"};
    auto c = ChildProcess::spawn(o);
    (void)c.wait_for(std::chrono::seconds(10));
  };
  const auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) plain_spawn();
  const auto t1 = Clock::now();
  for (int i = 0; i < n; ++i) {
    const auto out = run_contained(containment, {"/bin/true"}, {.memory_bytes = 256ULL << 20, .open_files = 256});
    EXPECT_TRUE(out.report.leftovers.empty());
  }
  const auto t2 = Clock::now();
  if (!containment.run_cgroup_v2().empty()) {
    EXPECT_FALSE(has_subdirectories(containment.run_cgroup_v2()));
  }
  if (!containment.run_cgroup_v1_memory().empty()) {
    EXPECT_FALSE(has_subdirectories(containment.run_cgroup_v1_memory()));
  }
  const auto ms = [&](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count() / n; };
  std::printf("spawn /bin/true: %.2f ms plain, %.2f ms contained (%s, memory %s): ratio %.2f\n", ms(t0, t1), ms(t1, t2),
              containment.support().method == ContainmentMethod::cgroup_v2 ? "cgroup v2" : "subreaper",
              std::string(util::name(containment.support().memory)).c_str(), ms(t1, t2) / ms(t0, t1));
}
