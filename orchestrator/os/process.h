#pragma once

#include <sys/types.h>

#include <boost/process/child.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ftbench::os {

// How a child ended, from the raw wait status: a normal exit code or the signal that killed it.
struct ExitStatus {
  bool signaled = false;
  int code = 0;  // exit code, or the signal number when signaled
  bool success() const { return !signaled && code == 0; }
  std::string describe() const;  // "exit code 3", "killed by signal 9 (SIGKILL)"
  static ExitStatus from_wait_status(int status);
};

// A descriptor of ours that the child gets under a fixed number (e.g. the harness channel
// pipes as fd 3 and 4). All other descriptors are closed in the child.
struct FdMapping {
  int parent_fd;
  int child_fd;
};

struct SpawnOptions {
  std::vector<std::string> argv;                 // argv[0] is the program path; never a shell
  std::map<std::string, std::string> env;        // the complete environment, nothing inherited
  std::filesystem::path stdout_path;             // empty: /dev/null
  std::filesystem::path stderr_path;             // empty: /dev/null
  std::vector<FdMapping> fds;
  std::vector<int> cpus;                         // empty: no pinning
  std::filesystem::path working_directory;       // empty: ours
  // Containment (os/containment.h): the child writes "0" to each of these open cgroup.procs
  // files before exec, so it runs its first instruction inside its cgroups; and its
  // RLIMIT_NOFILE. The descriptors stay the caller's.
  std::vector<int> join_cgroup_fds;
  std::optional<uint64_t> open_files_limit;
};

// A spawned child in its own process group. The destructor kills the whole group if the
// child is still running, so no code path leaks a benchmark process (RAII for processes).
class ChildProcess {
 public:
  static ChildProcess spawn(const SpawnOptions& options);  // throws UserError

  ChildProcess(ChildProcess&&) noexcept = default;
  ChildProcess& operator=(ChildProcess&&) noexcept = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const;
  // Non-blocking: the exit status once the child has ended, else nullopt.
  std::optional<ExitStatus> poll();
  // Waits up to `timeout`; nullopt when still running.
  std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
  // Kills the whole process group (the child and anything it started) and reaps the child.
  ExitStatus kill_group(int signal_number);

 private:
  explicit ChildProcess(boost::process::child child) : child_(std::move(child)) {}
  boost::process::child child_;
  std::optional<ExitStatus> status_;
};

// Whether any process `pid` exists (ours or not; a zombie counts until it is reaped).
bool process_alive(pid_t pid);

// Whether `pid` is a child ChildProcess spawned and has not reaped yet (the subreaper's sweep
// must tell our own children from adopted orphans).
bool is_spawned_child(pid_t pid);

// Runs a short command to completion and captures its output (used for interpreter probes).
struct CapturedRun {
  ExitStatus status;
  bool timed_out = false;
  std::string out;
  std::string err;
};
CapturedRun run_and_capture(const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env,
                            std::chrono::milliseconds timeout);

}  // namespace ftbench::os
