#include "os/machine.h"

#include <fmt/format.h>
#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "os/files.h"

namespace ftbench::os {

std::vector<int> usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (::sched_getaffinity(0, sizeof set, &set) != 0) {
    long n = ::sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  for (int i = 0; i < CPU_SETSIZE; ++i)
    if (CPU_ISSET(static_cast<size_t>(i), &set)) out.push_back(i);
  return out;
}

std::vector<int> one_cpu_per_core(const std::vector<int>& allowed, const std::string& sysfs_root) {
  std::set<std::pair<std::string, std::string>> seen;  // (package, core)
  std::vector<int> out;
  for (int cpu : allowed) {
    auto base = sysfs_root + "/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    auto package = read_first_line(base + "physical_package_id");
    auto core = read_first_line(base + "core_id");
    if (!package || !core) {  // no topology: treat every CPU as its own core
      out.push_back(cpu);
      continue;
    }
    if (seen.emplace(*package, *core).second) out.push_back(cpu);
  }
  return out;
}

KernelVersion KernelVersion::current() {
  KernelVersion k;
  utsname u{};
  if (::uname(&u) == 0) {
    k.release = u.release;
    std::sscanf(u.release, "%d.%d.%d", &k.major, &k.minor, &k.patch);
  }
  return k;
}

bool KernelVersion::at_least(const std::string& required) const {
  int maj = 0, min = 0, pat = 0;
  std::sscanf(required.c_str(), "%d.%d.%d", &maj, &min, &pat);
  return std::tie(major, minor, patch) >= std::tie(maj, min, pat);
}

MachineInfo MachineInfo::collect(const SystemCheckOptions& check) {
  const auto& root = check.root;
  MachineInfo m;
  utsname u{};
  if (::uname(&u) == 0) {
    m.hostname = u.nodename;
    m.kernel_release = u.release;
    m.kernel_version = u.version;
    m.architecture = u.machine;
  }
  std::ifstream cpuinfo(root.proc("cpuinfo"));
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 && m.cpu_model.empty()) {
      auto colon = line.find(':');
      if (colon != std::string::npos) m.cpu_model = line.substr(colon + 2);
    }
  }
  m.logical_cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::vector<int> all;
  for (int i = 0; i < m.logical_cpus; ++i) all.push_back(i);
  m.physical_cores = static_cast<int>(one_cpu_per_core(all, (root.root / "sys").string()).size());
  m.smt = m.physical_cores < m.logical_cpus;
  m.usable_cpus = os::usable_cpus();
  for (const auto& name : cpu_pmus(root)) m.pmu += (m.pmu.empty() ? "" : ",") + name;
  if (m.pmu.empty()) m.pmu = "none (no CPU PMU exposed: hardware counters unavailable)";
  if (auto p = read_first_line(root.proc("sys/kernel/perf_event_paranoid"))) m.perf_event_paranoid = std::atoi(p->c_str());
  std::ifstream meminfo(root.proc("meminfo"));
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemTotal:", 0) == 0) m.memory_total_kb = std::atoll(line.c_str() + 9);
  m.boot_id = read_first_line(root.proc("sys/kernel/random/boot_id")).value_or("");

  // The settings that move timings: read once, by the system check.
  m.system_check = check_system(check);
  const auto& facts = m.system_check->facts;
  if (!facts.frequency.empty()) m.governor = facts.frequency.front().governor;
  m.turbo = facts.turbo();
  m.aslr = facts.aslr;
  if (facts.load_average.size() == 3)
    m.load_average = fmt::format("{:.2f} {:.2f} {:.2f}", facts.load_average[0], facts.load_average[1],
                                 facts.load_average[2]);
  return m;
}

}  // namespace ftbench::os
