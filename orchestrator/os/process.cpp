#include "os/process.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/process/args.hpp>
#include <boost/process/env.hpp>
#include <boost/process/environment.hpp>
#include <boost/process/exe.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/start_dir.hpp>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include "util/error.h"
#include "os/fd.h"
#include "os/files.h"

namespace bp = boost::process;

namespace ftbench::os {

std::string ExitStatus::describe() const {
  if (!signaled) return "exit code " + std::to_string(code);
  const char* name = sigabbrev_np(code);
  return "killed by signal " + std::to_string(code) + (name ? std::string(" (SIG") + name + ")" : "");
}

ExitStatus ExitStatus::from_wait_status(int status) {
  if (WIFSIGNALED(status)) return {true, WTERMSIG(status)};
  if (WIFEXITED(status)) return {false, WEXITSTATUS(status)};
  return {false, status};
}

namespace {

// Children spawned and not yet reaped, for is_spawned_child().
std::mutex g_children_mutex;
std::set<pid_t> g_children;

void forget_child(pid_t pid) {
  std::lock_guard lock(g_children_mutex);
  g_children.erase(pid);
}

// Runs in the forked child before exec: own process group (so a timeout can kill everything
// the benchmark started), channel fds at their fixed numbers, CPU pinning, no stray fds.
// Only async-signal-safe calls here.
struct ChildSetup : bp::extend::handler {
  std::vector<FdMapping> fds;
  cpu_set_t cpus;
  bool pin = false;
  pid_t parent = 0;  // the orchestrator, recorded before the fork
  int cgroup_fds[2] = {-1, -1};
  size_t cgroups = 0;
  bool limit_files = false;
  rlim_t open_files = 0;

  template <class Executor>
  void on_exec_setup(Executor& exec) const {
    // Into the cgroups first: everything below, and everything the interpreter starts, is
    // then inside. A child that cannot join must not run uncontained.
    for (size_t i = 0; i < cgroups; ++i)
      if (::write(cgroup_fds[i], "0", 1) != 1) {
        exec.set_error(std::error_code(errno, std::system_category()), "cannot join its cgroup (cgroup.procs)");
        return;
      }
    ::setpgid(0, 0);
    // If the orchestrator is SIGKILLed, its benchmark process must not run on unattended.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    // It may have died between the fork and the prctl: then nobody will send the signal.
    if (::getppid() != parent) ::_exit(127);
    // Move sources out of the way first so a source equal to another mapping's target is
    // not clobbered by an earlier dup2.
    int moved[16];
    size_t n = fds.size() < 16 ? fds.size() : 16;
    for (size_t i = 0; i < n; ++i) moved[i] = ::fcntl(fds[i].parent_fd, F_DUPFD_CLOEXEC, 100);
    for (size_t i = 0; i < n; ++i) ::dup2(moved[i], fds[i].child_fd);  // dup2 clears CLOEXEC
    if (pin) ::sched_setaffinity(0, sizeof(cpus), &cpus);
    // Close everything else above stderr that is not a mapped fd; Boost's own exec-error
    // pipe is CLOEXEC and must stay open until exec, so leave CLOEXEC fds alone.
    for (int fd = 3; fd < 1024; ++fd) {
      bool mapped = false;
      for (size_t i = 0; i < n; ++i) mapped = mapped || fds[i].child_fd == fd;
      if (mapped) continue;
      int flags = ::fcntl(fd, F_GETFD);
      if (flags >= 0 && !(flags & FD_CLOEXEC)) ::close(fd);
    }
    // Last: the fd shuffle above uses descriptors >= 100, which a low limit would refuse.
    if (limit_files) {
      rlimit now{};
      ::getrlimit(RLIMIT_NOFILE, &now);
      rlimit wanted{open_files, open_files > now.rlim_max ? open_files : now.rlim_max};
      // Raising the hard limit needs CAP_SYS_RESOURCE; without it the soft one is capped there.
      if (::setrlimit(RLIMIT_NOFILE, &wanted) != 0) {
        wanted = {open_files < now.rlim_max ? open_files : now.rlim_max, now.rlim_max};
        ::setrlimit(RLIMIT_NOFILE, &wanted);
      }
    }
  }
};

std::string path_or_null(const std::filesystem::path& p) { return p.empty() ? "/dev/null" : p.string(); }

// A file in the temporary directory that no name points to: it goes when its last fd closes.
FileDescriptor anonymous_file() {
  const auto dir = std::filesystem::temp_directory_path();
  FileDescriptor fd(::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd) return fd;
  auto name = (dir / "ftbench-capture-XXXXXX").string();  // a file system without O_TMPFILE
  fd = FileDescriptor(::mkostemp(name.data(), O_CLOEXEC));
  if (!fd) throw UserError("cannot create a temporary file in " + dir.string() + ": " + std::strerror(errno));
  ::unlink(name.c_str());
  return fd;
}

}  // namespace

ChildProcess ChildProcess::spawn(const SpawnOptions& options) {
  if (options.argv.empty()) throw UserError("internal: spawn with an empty argument vector");
  if (options.fds.size() > 16) throw UserError("internal: too many fd mappings");
  if (options.join_cgroup_fds.size() > 2) throw UserError("internal: too many cgroups to join");
  ChildSetup setup;
  setup.fds = options.fds;
  CPU_ZERO(&setup.cpus);
  for (int cpu : options.cpus) CPU_SET(static_cast<size_t>(cpu), &setup.cpus);
  setup.pin = !options.cpus.empty();
  setup.parent = ::getpid();
  setup.cgroups = options.join_cgroup_fds.size();
  for (size_t i = 0; i < setup.cgroups; ++i) setup.cgroup_fds[i] = options.join_cgroup_fds[i];
  setup.limit_files = options.open_files_limit.has_value();
  setup.open_files = static_cast<rlim_t>(options.open_files_limit.value_or(0));

  bp::environment env;
  for (const auto& [k, v] : options.env) env[k] = v;
  std::vector<std::string> args(options.argv.begin() + 1, options.argv.end());
  std::error_code ec;
  auto cwd = options.working_directory.empty() ? std::filesystem::current_path() : options.working_directory;
  bp::child child(bp::exe = options.argv.front(), bp::args = args, bp::env = env, bp::start_dir = cwd.string(),
                  bp::std_in < bp::null, bp::std_out > path_or_null(options.stdout_path),
                  bp::std_err > path_or_null(options.stderr_path), setup, ec);
  if (ec)
    throw UserError("cannot start " + options.argv.front() + ": " + ec.message());
  // Also set the group from the parent: whichever runs first wins, no race with kill_group.
  ::setpgid(child.id(), child.id());
  {
    std::lock_guard lock(g_children_mutex);
    g_children.insert(child.id());
  }
  return ChildProcess(std::move(child));
}

ChildProcess::~ChildProcess() {
  if (child_.valid() && !status_) kill_group(SIGKILL);
}

pid_t ChildProcess::pid() const { return child_.id(); }

std::optional<ExitStatus> ChildProcess::poll() {
  if (status_) return status_;
  // On an error (the child already reaped) the stored status is the best there is.
  std::error_code ec;
  if (child_.running(ec) && !ec) return std::nullopt;
  status_ = ExitStatus::from_wait_status(child_.native_exit_code());
  forget_child(child_.id());
  return status_;
}

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
  // Polling with a short sleep is simple and portable; the only waits that matter for
  // accuracy (the harness channel) block in poll(2) instead.
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::chrono::milliseconds step(1);
  while (true) {
    if (auto s = poll()) return s;
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(step);
    step = std::min(step * 2, std::chrono::milliseconds(20));
  }
}

ExitStatus ChildProcess::kill_group(int signal_number) {
  if (status_) return *status_;
  ::kill(-child_.id(), signal_number);
  ::kill(child_.id(), signal_number);
  if (auto s = wait_for(std::chrono::seconds(5))) return *s;
  ::kill(-child_.id(), SIGKILL);
  std::error_code ec;
  child_.wait(ec);
  status_ = ExitStatus::from_wait_status(child_.native_exit_code());
  forget_child(child_.id());
  return *status_;
}

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

bool is_spawned_child(pid_t pid) {
  std::lock_guard lock(g_children_mutex);
  return g_children.count(pid) > 0;
}

CapturedRun run_and_capture(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
                            std::chrono::milliseconds timeout) {
  // Output goes through temporary files (no pipe can fill up and block the child) that have no
  // name (O_TMPFILE, else unlinked at once): a SIGKILLed orchestrator leaves none behind. The
  // child's stdout/stderr are opened through /proc/self/fd.
  auto out = anonymous_file();
  auto err = anonymous_file();
  const auto out_path = "/proc/self/fd/" + std::to_string(out.get());
  const auto err_path = "/proc/self/fd/" + std::to_string(err.get());
  CapturedRun result;
  {
    SpawnOptions options;
    options.argv = argv;
    options.env = env;
    options.stdout_path = out_path;
    options.stderr_path = err_path;
    auto child = ChildProcess::spawn(options);
    if (auto s = child.wait_for(timeout)) {
      result.status = *s;
    } else {
      result.timed_out = true;
      result.status = child.kill_group(SIGKILL);
    }
  }
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

}  // namespace ftbench::os
