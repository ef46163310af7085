#pragma once
// Containment of each interpreter process: nothing a benchmark or script starts may outlive
// it, and what it used is accounted for. Two methods, chosen once per orchestrator:
//   cgroup v2  - one leaf cgroup per process under <our cgroup>/ftbench-<pid>/ (the cgroup2
//                mount found in /proc/self/mountinfo, our cgroup from /proc/self/cgroup "0::").
//                Every descendant is in it whatever it does (setsid, double fork); at the end
//                what is left is listed from cgroup.procs and killed (cgroup.kill), and cpu.stat
//                gives the CPU time of the whole tree.
//   subreaper  - where no cgroup v2 is writable: PR_SET_CHILD_SUBREAPER makes every orphaned
//                descendant our child; after the process ends they are found in /proc
//                (PPid == us, not a child we spawned), killed and reaped.
// The memory limit needs a memory controller: cgroup v2's when it is enabled for our subtree,
// else cgroup v1's (a hybrid host such as Debian's with the unified hierarchy mounted without
// controllers), else it is not enforced (said once). The open-files limit is RLIMIT_NOFILE,
// set in the child before exec. Leftover cgroups of an orchestrator that was SIGKILLed
// (ftbench-<pid> whose pid is dead) are emptied and removed by the next one.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "os/fd.h"
#include "util/enum_names.h"

namespace ftbench::os {

struct SpawnOptions;

enum class ContainmentMethod { cgroup_v2, subreaper };
inline constexpr util::EnumName<ContainmentMethod> kContainmentMethodNames[] = {
    {ContainmentMethod::cgroup_v2, "cgroup_v2"}, {ContainmentMethod::subreaper, "subreaper"}};
constexpr std::span<const util::EnumName<ContainmentMethod>> enum_names(ContainmentMethod) {
  return kContainmentMethodNames;
}

// Which controller enforces the memory limit (and reports the peak).
enum class MemoryControl { cgroup_v2, cgroup_v1, none };
inline constexpr util::EnumName<MemoryControl> kMemoryControlNames[] = {
    {MemoryControl::cgroup_v2, "cgroup_v2"}, {MemoryControl::cgroup_v1, "cgroup_v1"}, {MemoryControl::none, "none"}};
constexpr std::span<const util::EnumName<MemoryControl>> enum_names(MemoryControl) { return kMemoryControlNames; }

// Per-process limits; absent: none.
struct ResourceLimits {
  std::optional<uint64_t> memory_bytes;
  std::optional<uint64_t> open_files;
};

struct ContainmentOptions {
  // Use the subreaper even where cgroups work (tests exercise the fallback on a cgroup
  // machine; FTBENCH_CONTAINMENT=subreaper does the same for orchestrate).
  bool force_subreaper = false;
  // Where to look; tests may point these at fakes.
  std::filesystem::path mountinfo = "/proc/self/mountinfo";
  std::filesystem::path self_cgroup = "/proc/self/cgroup";
  static ContainmentOptions from_environment();
};

// What this machine allows, and why.
struct ContainmentSupport {
  ContainmentMethod method = ContainmentMethod::subreaper;
  std::string reason;                       // why this method (why not cgroup v2, for the subreaper)
  std::filesystem::path cgroup_v2_dir;      // our own cgroup v2 directory; empty: none found
  MemoryControl memory = MemoryControl::none;
  std::filesystem::path cgroup_v1_memory_dir;  // our own v1 memory cgroup directory; empty: none
  std::string memory_reason;                // how the memory limit is enforced, or why it is not
  std::string advice;                       // what the user can do for full containment; empty: nothing to do

  // Reads /proc and tries the cgroup file system (makes and removes a probe directory).
  static ContainmentSupport probe(const ContainmentOptions& options = {});
  std::string describe() const;  // one line: method, memory control and why
};
template <class F>
void describe(ContainmentSupport& s, F& f) {
  f("method", s.method);
  f("reason", s.reason);
  f("cgroup_v2_dir", s.cgroup_v2_dir);
  f("memory_control", s.memory);
  f("cgroup_v1_memory_dir", s.cgroup_v1_memory_dir);
  f("memory_reason", s.memory_reason);
  f.optional("advice", s.advice);
}

// A process still running when the interpreter process it descends from had ended.
struct LeftoverProcess {
  int pid = 0;
  std::string command;  // /proc/<pid>/comm
};
template <class F>
void describe(LeftoverProcess& p, F& f) {
  f("pid", p.pid);
  f("command", p.command);
}

// What one contained process and its descendants did.
struct ContainmentReport {
  ContainmentMethod method = ContainmentMethod::subreaper;
  std::optional<double> cpu_seconds;           // the whole tree's CPU time (cgroup v2 cpu.stat)
  std::optional<uint64_t> memory_peak_bytes;   // where a memory controller reports it
  std::optional<uint64_t> memory_limit_bytes;  // the limit enforced; absent: none
  bool memory_limit_hit = false;               // the kernel OOM-killed inside the cgroup
  std::vector<LeftoverProcess> leftovers;      // found after the process ended; all killed
};

class Containment;

// One process's cgroup(s) or subreaper watch. prepare() adds to the spawn options what puts
// the child in (before it execs) and limits it; finish() ends everything left and removes the
// cgroups. The destructor finishes too, so no path leaks a cgroup or a descendant.
class ContainedProcess {
 public:
  ContainedProcess(ContainedProcess&&) noexcept;
  ContainedProcess& operator=(ContainedProcess&&) noexcept;
  ContainedProcess(const ContainedProcess&) = delete;
  ContainedProcess& operator=(const ContainedProcess&) = delete;
  ~ContainedProcess();

  // The descriptors the child writes "0" to before exec (cgroup.procs of its leaf cgroups)
  // and its rlimits go into `options`; the descriptors stay owned here.
  void prepare(SpawnOptions& options) const;
  // Call once the process itself has ended and been reaped: kills what is left of its tree
  // (recorded as leftovers), reads the accounting, removes the cgroups. Idempotent.
  ContainmentReport finish();

 private:
  friend class Containment;
  struct State;
  explicit ContainedProcess(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

// The run's containment: probes once, removes stale cgroups of dead orchestrators, owns
// <our cgroup>/ftbench-<pid>/ (and its v1 memory twin) and removes it at the end.
class Containment {
 public:
  explicit Containment(const ContainmentOptions& options = {});
  Containment(const Containment&) = delete;
  Containment& operator=(const Containment&) = delete;
  ~Containment();

  const ContainmentSupport& support() const { return support_; }
  // Stale ftbench-<pid> cgroups removed when this was created (their processes killed).
  const std::vector<std::filesystem::path>& removed_stale() const { return removed_stale_; }
  // The per-run cgroup directories (empty where not used): tests check they are gone.
  const std::filesystem::path& run_cgroup_v2() const { return run_v2_; }
  const std::filesystem::path& run_cgroup_v1_memory() const { return run_v1_memory_; }

  // A new leaf for one process with these limits. Throws UserError when the cgroup cannot be
  // made (the file system said why).
  ContainedProcess contain(const ResourceLimits& limits);

 private:
  ContainmentSupport support_;
  std::filesystem::path run_v2_;
  std::filesystem::path run_v1_memory_;
  std::vector<std::filesystem::path> removed_stale_;
  uint64_t next_leaf_ = 0;
};

}  // namespace ftbench::os
