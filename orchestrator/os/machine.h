#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "os/system_check.h"
#include "util/json.h"

namespace ftbench::os {

// CPUs this process may run on (sched_getaffinity), ascending.
std::vector<int> usable_cpus();

// One logical CPU per physical core among `allowed` (SMT siblings dropped), ascending: what
// `affinity: auto` pins to, as CPython's scaling benchmark runs one thread per core.
std::vector<int> one_cpu_per_core(const std::vector<int>& allowed, const std::string& sysfs_root = "/sys");

struct KernelVersion {
  int major = 0, minor = 0, patch = 0;
  std::string release;  // uname -r
  static KernelVersion current();
  bool at_least(const std::string& required) const;  // "5.10"
};

// Facts about the machine that change how numbers should be read, recorded with every run.
struct MachineInfo {
  std::string hostname;
  std::string kernel_release;
  std::string kernel_version;   // uname -v
  std::string architecture;
  std::string cpu_model;
  int logical_cpus = 0;
  int physical_cores = 0;
  bool smt = false;
  std::vector<int> usable_cpus;
  std::string pmu;              // /sys/bus/event_source/devices/cpu* (and libpfm's view in doctor)
  std::optional<std::string> governor;
  std::optional<std::string> turbo;   // "on"/"off" where readable
  std::optional<int> perf_event_paranoid;
  std::optional<int> aslr;            // randomize_va_space
  std::string load_average;           // /proc/loadavg's first three fields
  long long memory_total_kb = 0;
  std::string boot_id;
  // The system check over the run's CPUs (os/system_check.h); absent in runs written before it.
  std::optional<SystemCheck> system_check;
  // Reads the machine and runs the system check (about half a second: steal time and busy
  // processes are measured over an interval); governor, turbo, ASLR and load come from it.
  static MachineInfo collect(const SystemCheckOptions& check = {});
};
template <class F>
void describe(MachineInfo& m, F& f) {
  f("hostname", m.hostname);
  f("kernel_release", m.kernel_release);
  f("kernel_version", m.kernel_version);
  f("architecture", m.architecture);
  f("cpu_model", m.cpu_model);
  f("logical_cpus", m.logical_cpus);
  f("physical_cores", m.physical_cores);
  f("smt", m.smt);
  f("usable_cpus", m.usable_cpus);
  f("pmu", m.pmu);
  f("governor", m.governor);
  f("turbo", m.turbo);
  f("perf_event_paranoid", m.perf_event_paranoid);
  f("aslr", m.aslr);
  f("load_average", m.load_average);
  f("memory_total_kb", m.memory_total_kb);
  f("boot_id", m.boot_id);
  f.optional("system_check", m.system_check);
}

}  // namespace ftbench::os
