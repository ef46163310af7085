#include "os/containment.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "os/files.h"
#include "os/process.h"
#include "util/error.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace ftbench::os {
namespace {

constexpr const char* kPrefix = "ftbench-";
constexpr auto kSettle = std::chrono::seconds(5);  // how long killed processes get to vanish

std::string errno_text(int e) { return std::strerror(e); }

// mountinfo escapes blanks in paths as octal (\040).
std::string unescape_mount_path(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      out += static_cast<char>(std::strtol(text.substr(i + 1, 3).c_str(), nullptr, 8));
      i += 3;
    } else {
      out += text[i];
    }
  }
  return out;
}

struct Mount {
  std::string root;        // the mounted subtree of the hierarchy
  fs::path mount_point;
};

// The mount of a cgroup hierarchy: fstype cgroup2, or cgroup (v1) with `controller` among its options.
std::optional<Mount> find_mount(const fs::path& mountinfo, const std::string& fstype, const std::string& controller) {
  std::ifstream in(mountinfo);
  for (std::string line; std::getline(in, line);) {
    // id parent major:minor root mount-point options [optional...] - fstype source super-options
    const auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    std::istringstream head(line.substr(0, dash)), tail(line.substr(dash + 3));
    std::string id, parent, dev, root, point, type, source, super;
    head >> id >> parent >> dev >> root >> point;
    tail >> type >> source >> super;
    if (type != fstype) continue;
    if (!controller.empty()) {
      const auto opts = util::split_commas({super});
      if (std::find(opts.begin(), opts.end(), controller) == opts.end()) continue;
    }
    return Mount{unescape_mount_path(root), unescape_mount_path(point)};
  }
  return std::nullopt;
}

// Our cgroup in the hierarchy whose /proc/self/cgroup line has `controllers` ("" for v2's "0::").
std::optional<std::string> own_cgroup(const fs::path& self_cgroup, const std::string& controller) {
  std::ifstream in(self_cgroup);
  for (std::string line; std::getline(in, line);) {
    const auto a = line.find(':');
    const auto b = a == std::string::npos ? a : line.find(':', a + 1);
    if (b == std::string::npos) continue;
    const auto list = line.substr(a + 1, b - a - 1);
    const bool match = controller.empty() ? (line.substr(0, a) == "0" && list.empty())
                                          : [&] {
                                              const auto names = util::split_commas({list});
                                              return std::find(names.begin(), names.end(), controller) != names.end();
                                            }();
    if (match) return line.substr(b + 1);
  }
  return std::nullopt;
}

// The directory of our cgroup: the mount point plus our path below the mounted root.
fs::path cgroup_dir(const Mount& mount, std::string path) {
  if (mount.root != "/" && path.rfind(mount.root, 0) == 0) path = path.substr(mount.root.size());
  const auto relative = fs::path(path).relative_path();
  return relative.empty() ? mount.mount_point : mount.mount_point / relative;
}

bool write_text(const fs::path& file, const std::string& text, int* error = nullptr) {
  FileDescriptor fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) {
    if (error) *error = errno;
    return false;
  }
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
    if (error) *error = errno;
    return false;
  }
  return true;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

// "key value" files (cpu.stat, memory.events, memory.oom_control).
std::optional<uint64_t> keyed_value(const fs::path& file, const std::string& key) {
  for (const auto& line : lines_of(file)) {
    std::istringstream in(line);
    std::string k;
    uint64_t v = 0;
    if (in >> k >> v && k == key) return v;
  }
  return std::nullopt;
}

std::optional<uint64_t> number_in(const fs::path& file) {
  const auto line = read_first_line(file);
  if (!line) return std::nullopt;
  const auto v = util::to_integer(util::trim(*line));
  if (!v || *v < 0) return std::nullopt;
  return static_cast<uint64_t>(*v);
}

std::vector<pid_t> pids_in(const fs::path& cgroup) {
  std::vector<pid_t> out;
  for (const auto& line : lines_of(cgroup / "cgroup.procs"))
    if (const auto v = util::to_integer(line)) out.push_back(static_cast<pid_t>(*v));
  return out;
}

std::string command_of(pid_t pid) {
  return read_first_line(fs::path("/proc") / std::to_string(pid) / "comm").value_or("?");
}

// Kills everything in one cgroup and waits until it is empty: cgroup.kill where the kernel has
// it (5.14+: atomic, no fork can slip through), else SIGKILL to each pid until none is left.
void empty_cgroup(const fs::path& cgroup) {
  const auto deadline = std::chrono::steady_clock::now() + kSettle;
  const bool has_kill = fs::exists(cgroup / "cgroup.kill");
  if (has_kill) write_text(cgroup / "cgroup.kill", "1");
  while (std::chrono::steady_clock::now() < deadline) {
    const auto pids = pids_in(cgroup);
    if (pids.empty()) return;
    if (!has_kill)
      for (pid_t p : pids) ::kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// rmdir, retried briefly: a cgroup whose last process just died can stay busy for a moment.
bool remove_cgroup(const fs::path& cgroup) {
  const auto deadline = std::chrono::steady_clock::now() + kSettle;
  while (true) {
    if (::rmdir(cgroup.c_str()) == 0 || errno == ENOENT) return true;
    if (errno != EBUSY || std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

// A whole ftbench-<pid> tree: every leaf emptied and removed, then the directory itself.
bool remove_tree(const fs::path& dir) {
  std::error_code ec;
  std::vector<fs::path> leaves;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec)) leaves.push_back(e.path());
  bool ok = true;
  for (const auto& leaf : leaves) {
    empty_cgroup(leaf);
    ok = remove_cgroup(leaf) && ok;
  }
  empty_cgroup(dir);
  return remove_cgroup(dir) && ok;
}

// ftbench-<pid> directories under `parent` whose orchestrator is gone.
std::vector<fs::path> stale_dirs(const fs::path& parent) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(parent, ec)) {
    const auto name = e.path().filename().string();
    if (name.rfind(kPrefix, 0) != 0 || !e.is_directory(ec)) continue;
    // "ftbench-<pid>", or a probe "ftbench-<pid>.probe" a crash left behind.
    auto digits = std::string_view(name).substr(std::strlen(kPrefix));
    digits = digits.substr(0, digits.find('.'));
    const auto pid = util::to_integer(digits);
    if (!pid || *pid <= 0 || *pid == ::getpid()) continue;
    if (!process_alive(static_cast<pid_t>(*pid))) out.push_back(e.path());
  }
  return out;
}

std::string run_dir_name() { return kPrefix + std::to_string(::getpid()); }

// Makes `dir` (a fresh cgroup); "" on success, else why not.
std::string make_cgroup(const fs::path& dir) {
  if (::mkdir(dir.c_str(), 0755) == 0 || errno == EEXIST) return "";
  return "cannot create " + dir.string() + ": " + errno_text(errno);
}

const char* kAdvice =
    "for full containment run orchestrate as root, or in a delegated cgroup: "
    "systemd-run --user --scope -p Delegate=yes orchestrate ...";

bool controller_listed(const fs::path& file, const std::string& name) {
  std::istringstream in(read_first_line(file).value_or(""));
  for (std::string w; in >> w;)
    if (w == name) return true;
  return false;
}

}  // namespace

ContainmentOptions ContainmentOptions::from_environment() {
  ContainmentOptions o;
  const char* forced = std::getenv("FTBENCH_CONTAINMENT");
  o.force_subreaper = forced && std::string(forced) == "subreaper";
  return o;
}

ContainmentSupport ContainmentSupport::probe(const ContainmentOptions& options) {
  ContainmentSupport s;
  // cgroup v2: the unified mount and our place in it.
  const auto v2_mount = find_mount(options.mountinfo, "cgroup2", "");
  const auto v2_path = own_cgroup(options.self_cgroup, "");
  if (options.force_subreaper) {
    s.reason = "the subreaper was asked for (FTBENCH_CONTAINMENT=subreaper or a test)";
  } else if (!v2_mount) {
    s.reason = "no cgroup2 file system is mounted (see /proc/self/mountinfo)";
  } else if (!v2_path) {
    s.reason = "this process has no cgroup v2 entry in /proc/self/cgroup";
  } else {
    s.cgroup_v2_dir = cgroup_dir(*v2_mount, *v2_path);
    // Writable? Make and remove a probe cgroup: permissions, a read-only mount and
    // cgroup.max.descendants all show up here and nowhere earlier.
    const auto probe_dir = s.cgroup_v2_dir / (run_dir_name() + ".probe");
    if (auto problem = make_cgroup(probe_dir); !problem.empty()) {
      s.reason = "cgroup v2 is not writable here (" + problem + ")";
    } else {
      ::rmdir(probe_dir.c_str());
      s.method = ContainmentMethod::cgroup_v2;
      s.reason = "cgroup v2 at " + s.cgroup_v2_dir.string();
    }
  }
  if (s.method == ContainmentMethod::subreaper) s.advice = kAdvice;

  // Memory: v2's controller when our cgroup may hand it to its children, else v1's.
  std::string v2_memory_problem;
  if (s.method == ContainmentMethod::cgroup_v2) {
    if (!controller_listed(s.cgroup_v2_dir / "cgroup.controllers", "memory")) {
      v2_memory_problem = "cgroup v2 has no memory controller for " + s.cgroup_v2_dir.string();
    } else if (!controller_listed(s.cgroup_v2_dir / "cgroup.subtree_control", "memory")) {
      // Enabling it for our children needs our own cgroup to hold no processes (the
      // no-internal-process rule): true at the root, false in a systemd service's cgroup.
      int e = 0;
      if (!write_text(s.cgroup_v2_dir / "cgroup.subtree_control", "+memory", &e))
        v2_memory_problem = "cannot enable the memory controller in " + s.cgroup_v2_dir.string() +
                            "/cgroup.subtree_control (" + errno_text(e) +
                            (e == EBUSY ? ": the cgroup holds processes itself" : "") + ")";
    }
    if (v2_memory_problem.empty()) {
      s.memory = MemoryControl::cgroup_v2;
      s.memory_reason = "memory limit via the cgroup v2 memory controller";
    }
  }
  if (s.memory == MemoryControl::none) {
    const auto v1_mount = find_mount(options.mountinfo, "cgroup", "memory");
    const auto v1_path = own_cgroup(options.self_cgroup, "memory");
    if (v1_mount && v1_path) {
      const auto dir = cgroup_dir(*v1_mount, *v1_path);
      const auto probe_dir = dir / (run_dir_name() + ".probe");
      if (auto problem = make_cgroup(probe_dir); problem.empty()) {
        ::rmdir(probe_dir.c_str());
        s.memory = MemoryControl::cgroup_v1;
        s.cgroup_v1_memory_dir = dir;
        s.memory_reason = "memory limit via the cgroup v1 memory controller at " + dir.string() +
                          (v2_memory_problem.empty() ? "" : " (" + v2_memory_problem + ")");
      } else {
        v2_memory_problem += (v2_memory_problem.empty() ? "" : "; ") + problem;
      }
    }
  }
  if (s.memory == MemoryControl::none) {
    s.memory_reason = "the memory limit is not enforced (" +
                      (v2_memory_problem.empty() ? std::string("no writable memory controller") : v2_memory_problem) + ")";
    if (s.advice.empty())
      // The no-internal-process rule: a cgroup holding processes (ours, a service's) cannot
      // hand the memory controller to its children. The root cgroup is exempt.
      s.advice = "for the memory limit the kernel must let orchestrate's own cgroup enable the memory controller for "
                 "its children, which it refuses while that cgroup holds processes (EBUSY): run orchestrate as root "
                 "from the root cgroup, or on a host with the cgroup v1 memory controller";
  }
  return s;
}

std::string ContainmentSupport::describe() const {
  return std::string(method == ContainmentMethod::cgroup_v2 ? "cgroup v2 per process" : "subreaper") + " (" + reason +
         "); " + memory_reason;
}

// ---- one process ----

struct ContainedProcess::State {
  ContainmentMethod method = ContainmentMethod::subreaper;
  fs::path v2;            // leaf cgroup v2; empty: none
  fs::path v1_memory;     // leaf v1 memory cgroup; empty: none
  MemoryControl memory = MemoryControl::none;
  ResourceLimits limits;
  FileDescriptor v2_procs;         // cgroup.procs of the leaves, opened for the child to join
  FileDescriptor v1_procs;
  std::optional<ContainmentReport> report;
};

ContainedProcess::ContainedProcess(std::unique_ptr<State> state) : state_(std::move(state)) {}
ContainedProcess::ContainedProcess(ContainedProcess&&) noexcept = default;
ContainedProcess& ContainedProcess::operator=(ContainedProcess&& other) noexcept {
  if (this != &other) {
    if (state_) finish();
    state_ = std::move(other.state_);
  }
  return *this;
}
ContainedProcess::~ContainedProcess() {
  if (state_) finish();
}

void ContainedProcess::prepare(SpawnOptions& options) const {
  options.join_cgroup_fds.clear();
  if (state_->v2_procs) options.join_cgroup_fds.push_back(state_->v2_procs.get());
  if (state_->v1_procs) options.join_cgroup_fds.push_back(state_->v1_procs.get());
  options.open_files_limit = state_->limits.open_files;
}

namespace {

// Orphans that became our children (subreaper): every process whose parent is us and that we
// did not spawn ourselves. Zombies are reaped, not reported (they had already ended).
std::vector<pid_t> adopted_children(std::vector<LeftoverProcess>& alive) {
  std::vector<pid_t> out;
  const pid_t self = ::getpid();
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const auto name = e.path().filename().string();
    const auto pid = util::to_integer(name);
    if (!pid || *pid <= 0) continue;
    std::ifstream in(e.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 1));
    char state = 0;
    long long ppid = 0;
    rest >> state >> ppid;
    const auto p = static_cast<pid_t>(*pid);
    if (ppid != self || is_spawned_child(p)) continue;
    out.push_back(p);
    if (state != 'Z' && state != 'X') alive.push_back({p, command_of(p)});
  }
  return out;
}

void sweep_orphans(std::vector<LeftoverProcess>& leftovers) {
  std::set<pid_t> seen;
  const auto deadline = std::chrono::steady_clock::now() + kSettle;
  // Killing one orphan orphans its own children, which come to us next: repeat until none.
  while (std::chrono::steady_clock::now() < deadline) {
    std::vector<LeftoverProcess> alive;
    const auto found = adopted_children(alive);
    if (found.empty()) return;
    for (auto& p : alive)
      if (seen.insert(p.pid).second) leftovers.push_back(p);
    for (pid_t p : found) ::kill(p, SIGKILL);
    for (pid_t p : found) {
      int status = 0;
      ::waitpid(p, &status, 0);  // ours now: reap it
    }
  }
}

}  // namespace

ContainmentReport ContainedProcess::finish() {
  auto& s = *state_;
  if (s.report) return *s.report;
  ContainmentReport r;
  r.method = s.method;
  if (s.method == ContainmentMethod::subreaper) sweep_orphans(r.leftovers);
  if (!s.v2.empty()) {
    // Whatever is still in the leaf outlived the process: record it, then kill the lot.
    for (pid_t p : pids_in(s.v2)) r.leftovers.push_back({p, command_of(p)});
    empty_cgroup(s.v2);
    if (const auto usec = keyed_value(s.v2 / "cpu.stat", "usage_usec")) r.cpu_seconds = static_cast<double>(*usec) / 1e6;
  }
  if (!s.v1_memory.empty()) {
    for (pid_t p : pids_in(s.v1_memory))
      if (std::none_of(r.leftovers.begin(), r.leftovers.end(), [&](auto& l) { return l.pid == p; }))
        r.leftovers.push_back({p, command_of(p)});
    empty_cgroup(s.v1_memory);
  }
  switch (s.memory) {
    case MemoryControl::cgroup_v2:
      r.memory_peak_bytes = number_in(s.v2 / "memory.peak");
      r.memory_limit_hit = keyed_value(s.v2 / "memory.events", "oom_kill").value_or(0) > 0;
      break;
    case MemoryControl::cgroup_v1:
      r.memory_peak_bytes = number_in(s.v1_memory / "memory.max_usage_in_bytes");
      r.memory_limit_hit = keyed_value(s.v1_memory / "memory.oom_control", "oom_kill").value_or(0) > 0;
      break;
    case MemoryControl::none: break;
  }
  if (s.memory != MemoryControl::none) r.memory_limit_bytes = s.limits.memory_bytes;
  s.v2_procs.reset();
  s.v1_procs.reset();
  if (!s.v2.empty()) remove_cgroup(s.v2);
  if (!s.v1_memory.empty()) remove_cgroup(s.v1_memory);
  s.report = r;
  return r;
}

// ---- the run ----

Containment::Containment(const ContainmentOptions& options) : support_(ContainmentSupport::probe(options)) {
  if (support_.method == ContainmentMethod::cgroup_v2) {
    for (const auto& dir : stale_dirs(support_.cgroup_v2_dir))
      if (remove_tree(dir)) removed_stale_.push_back(dir);
    run_v2_ = support_.cgroup_v2_dir / run_dir_name();
    if (auto problem = make_cgroup(run_v2_); !problem.empty()) throw UserError(problem);
    // Our children's leaves get the memory controller from here (this directory holds no
    // process, so enabling it cannot hit the no-internal-process rule).
    if (support_.memory == MemoryControl::cgroup_v2) write_text(run_v2_ / "cgroup.subtree_control", "+memory");
  } else {
    // Orphaned descendants come to us instead of init, where they can be found and killed.
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0)
      throw UserError("cannot become a child subreaper (prctl PR_SET_CHILD_SUBREAPER): " + errno_text(errno));
  }
  if (support_.memory == MemoryControl::cgroup_v1) {
    for (const auto& dir : stale_dirs(support_.cgroup_v1_memory_dir))
      if (remove_tree(dir)) removed_stale_.push_back(dir);
    run_v1_memory_ = support_.cgroup_v1_memory_dir / run_dir_name();
    if (auto problem = make_cgroup(run_v1_memory_); !problem.empty()) throw UserError(problem);
  }
}

Containment::~Containment() {
  if (!run_v2_.empty()) remove_tree(run_v2_);
  if (!run_v1_memory_.empty()) remove_tree(run_v1_memory_);
}

ContainedProcess Containment::contain(const ResourceLimits& limits) {
  // Owned from the start: a throw below still removes what was made.
  ContainedProcess out(std::make_unique<ContainedProcess::State>());
  auto& state = *out.state_;
  state.method = support_.method;
  state.memory = limits.memory_bytes ? support_.memory : MemoryControl::none;
  state.limits = limits;
  const auto leaf = "p" + std::to_string(next_leaf_++);
  auto open_procs = [](const fs::path& dir) {
    FileDescriptor fd(::open((dir / "cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw UserError("cannot open " + (dir / "cgroup.procs").string() + ": " + errno_text(errno));
    return fd;
  };
  auto set = [](const fs::path& file, uint64_t value) {
    int e = 0;
    if (!write_text(file, std::to_string(value), &e))
      throw UserError("cannot set " + file.string() + " to " + std::to_string(value) + ": " + errno_text(e));
  };
  if (!run_v2_.empty()) {
    if (auto problem = make_cgroup(run_v2_ / leaf); !problem.empty()) throw UserError(problem);
    state.v2 = run_v2_ / leaf;
    state.v2_procs = open_procs(state.v2);
    if (state.memory == MemoryControl::cgroup_v2) {
      set(state.v2 / "memory.max", *limits.memory_bytes);
      // Swap would turn the limit into a slowdown instead of a clear failure.
      if (fs::exists(state.v2 / "memory.swap.max")) write_text(state.v2 / "memory.swap.max", "0");
    }
  }
  if (state.memory == MemoryControl::cgroup_v1) {
    if (auto problem = make_cgroup(run_v1_memory_ / leaf); !problem.empty()) throw UserError(problem);
    state.v1_memory = run_v1_memory_ / leaf;
    state.v1_procs = open_procs(state.v1_memory);
    set(state.v1_memory / "memory.limit_in_bytes", *limits.memory_bytes);
    if (fs::exists(state.v1_memory / "memory.memsw.limit_in_bytes"))
      write_text(state.v1_memory / "memory.memsw.limit_in_bytes", std::to_string(*limits.memory_bytes));
  }
  return out;
}

}  // namespace ftbench::os
