#pragma once
// Is this machine ready to benchmark? The settings that move timings (frequency governor,
// turbo, SMT siblings, isolated CPUs, ASLR, irqbalance, NUMA, frequency range) and what is
// running beside us right now (load, steal time, busy processes), each judged ok / warning /
// not applicable with the exact command that fixes it. One module serves `orchestrate doctor`,
// every run's manifest and the nightly preflight. Every reader takes a SystemRoot, so tests
// run the same code on a fake /sys and /proc tree in a temporary directory.

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/enum_names.h"

namespace ftbench::os {

// Where /sys and /proc are: "/" on the machine itself; a directory holding sys/ and proc/ in
// tests (FTBENCH_SYSTEM_ROOT, test-only, points `orchestrate doctor` at such a tree).
struct SystemRoot {
  std::filesystem::path root = "/";
  std::filesystem::path sys(std::string_view relative) const { return root / "sys" / relative; }
  std::filesystem::path proc(std::string_view relative) const { return root / "proc" / relative; }
  bool real() const { return root == "/"; }
  static SystemRoot from_environment();
};

// The files --tune writes, relative to /sys or /proc (shared by the check's fix commands).
std::string governor_file(int cpu);                                   // sys: devices/system/cpu/cpuN/cpufreq/scaling_governor
inline constexpr std::string_view kNoTurboFile = "devices/system/cpu/intel_pstate/no_turbo";  // sys
inline constexpr std::string_view kBoostFile = "devices/system/cpu/cpufreq/boost";            // sys
inline constexpr std::string_view kAslrFile = "sys/kernel/randomize_va_space";                // proc
inline constexpr std::string_view kNmiWatchdogFile = "sys/kernel/nmi_watchdog";               // proc

// The kernel's CPU list format, "0-3,8,10-11" <-> {0,1,2,3,8,10,11}. Parsing skips what is not
// a number or a range (isolcpus' "nohz,domain," flags, "(null)").
std::vector<int> parse_cpu_list(std::string_view text);
std::string format_cpu_list(std::span<const int> cpus);

// Hardware PMUs perf exposes (sys/bus/event_source/devices: "cpu", "cpu_core", "armv8_..."); empty
// in a VM without a virtual PMU.
std::vector<std::string> cpu_pmus(const SystemRoot& root);

// One CPU's frequency policy; absent for CPUs without cpufreq (a VM: the host sets the frequency).
struct CpuFrequency {
  int cpu = 0;
  std::string driver;    // scaling_driver: intel_pstate, acpi-cpufreq, cppc_cpufreq ...
  std::string governor;  // scaling_governor
  std::vector<std::string> available_governors;
  std::optional<long long> min_khz, max_khz;                  // cpuinfo_{min,max}_freq: the hardware range
  std::optional<long long> scaling_min_khz, scaling_max_khz;  // what the policy allows
};
template <class F>
void describe(CpuFrequency& c, F& f) {
  f("cpu", c.cpu);
  f("driver", c.driver);
  f("governor", c.governor);
  f("available_governors", c.available_governors);
  f("min_khz", c.min_khz);
  f("max_khz", c.max_khz);
  f("scaling_min_khz", c.scaling_min_khz);
  f("scaling_max_khz", c.scaling_max_khz);
}

// A process that used CPU while we watched (ourselves excluded).
struct BusyProcess {
  int pid = 0;
  std::string command;    // comm, as ps shows it
  double cpu_share = 0;   // of one CPU over the interval: 1.0 = a whole CPU
};
template <class F>
void describe(BusyProcess& p, F& f) {
  f("pid", p.pid);
  f("command", p.command);
  f("cpu_share", p.cpu_share);
}

// What was read, unjudged. Optional fields are null where the file does not exist or cannot be read.
struct SystemFacts {
  std::vector<int> cpus;                  // the CPUs judged: the run's (config affinity), else every usable one
  int usable_cpus = 0;                    // this process's affinity
  int logical_cpus = 0;                   // online
  int physical_cores = 0;
  bool virtual_machine = false;           // the CPU says "hypervisor", or /sys/hypervisor names one
  std::vector<CpuFrequency> frequency;    // the judged CPUs that have cpufreq
  std::optional<bool> intel_no_turbo;     // intel_pstate/no_turbo = 1
  std::optional<bool> cpufreq_boost;      // cpufreq/boost = 1
  std::string smt_control;                // on, off, forceoff, notsupported, notimplemented; "" unreadable
  std::optional<bool> smt_active;
  bool cpus_share_cores = false;          // two judged CPUs are SMT siblings of one core
  std::vector<int> isolated;              // sys/devices/system/cpu/isolated
  std::vector<int> nohz_full;             // sys/devices/system/cpu/nohz_full
  std::string cmdline_isolcpus;           // the kernel command line's values, as written
  std::string cmdline_nohz_full;
  std::string cmdline_rcu_nocbs;
  std::optional<int> aslr;                // randomize_va_space
  std::optional<bool> irqbalance_running;
  int numa_nodes = 0;                     // 0: no NUMA information
  std::vector<int> numa_nodes_used;       // nodes the judged CPUs are on
  std::vector<double> load_average;       // 1, 5, 15 minutes
  double sample_seconds = 0;              // the interval steal time and busy processes were measured over
  std::optional<double> steal_share;      // of all CPU time, over the interval
  std::vector<BusyProcess> busy_processes;  // the top few by CPU
  std::optional<long long> perf_max_sample_rate;     // perf_event_max_sample_rate
  std::optional<int> perf_cpu_time_max_percent;
  std::optional<int> nmi_watchdog;
  bool hardware_pmu = false;

  // "on" / "off" as the kernel says it (intel_pstate's no_turbo, else cpufreq's boost).
  std::optional<std::string> turbo() const;
};
template <class F>
void describe(SystemFacts& s, F& f) {
  f("cpus", s.cpus);
  f("usable_cpus", s.usable_cpus);
  f("logical_cpus", s.logical_cpus);
  f("physical_cores", s.physical_cores);
  f("virtual_machine", s.virtual_machine);
  f("frequency", s.frequency);
  f("intel_no_turbo", s.intel_no_turbo);
  f("cpufreq_boost", s.cpufreq_boost);
  f("smt_control", s.smt_control);
  f("smt_active", s.smt_active);
  f("cpus_share_cores", s.cpus_share_cores);
  f("isolated", s.isolated);
  f("nohz_full", s.nohz_full);
  f("cmdline_isolcpus", s.cmdline_isolcpus);
  f("cmdline_nohz_full", s.cmdline_nohz_full);
  f("cmdline_rcu_nocbs", s.cmdline_rcu_nocbs);
  f("aslr", s.aslr);
  f("irqbalance_running", s.irqbalance_running);
  f("numa_nodes", s.numa_nodes);
  f("numa_nodes_used", s.numa_nodes_used);
  f("load_average", s.load_average);
  f("sample_seconds", s.sample_seconds);
  f("steal_share", s.steal_share);
  f("busy_processes", s.busy_processes);
  f("perf_max_sample_rate", s.perf_max_sample_rate);
  f("perf_cpu_time_max_percent", s.perf_cpu_time_max_percent);
  f("nmi_watchdog", s.nmi_watchdog);
  f("hardware_pmu", s.hardware_pmu);
}

enum class CheckStatus { ok, warning, not_applicable };
inline constexpr util::EnumName<CheckStatus> kCheckStatusNames[] = {
    {CheckStatus::ok, "ok"}, {CheckStatus::warning, "warning"}, {CheckStatus::not_applicable, "not_applicable"}};
constexpr std::span<const util::EnumName<CheckStatus>> enum_names(CheckStatus) { return kCheckStatusNames; }

// One judged setting: what was found and, for a warning, the command that fixes it.
struct CheckItem {
  std::string name;     // "governor", "turbo", ...
  CheckStatus status = CheckStatus::ok;
  std::string found;    // "powersave on CPUs 0-1", "not exposed (no cpufreq: a VM ...)"
  std::string fix;      // the exact command; empty unless a warning
};
template <class F>
void describe(CheckItem& c, F& f) {
  f("name", c.name);
  f("status", c.status);
  f("found", c.found);
  f.optional("fix", c.fix);
}

struct SystemCheck {
  SystemFacts facts;
  std::vector<CheckItem> items;
  const CheckItem* item(std::string_view name) const;
  size_t warnings() const;
};
template <class F>
void describe(SystemCheck& s, F& f) {
  f("facts", s.facts);
  f("checks", s.items);
}

struct SystemCheckOptions {
  SystemRoot root;
  std::vector<int> cpus;  // empty: every usable CPU
  // Steal time and busy processes are the difference of two readings this far apart.
  std::chrono::milliseconds interval{500};
  // Runs between the two readings instead of sleeping `interval` (tests change the fake tree).
  std::function<void()> between_readings;
};

SystemFacts read_system_facts(const SystemCheckOptions& options = {});
// The verdicts alone, on given facts (the rules, testable without a machine).
std::vector<CheckItem> judge_system(const SystemFacts& facts);
SystemCheck check_system(const SystemCheckOptions& options = {});

// The doctor's "system check" section: one line per item, then what to change.
std::string render_system_check(const SystemCheck& check);

}  // namespace ftbench::os
