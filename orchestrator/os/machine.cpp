#include "os/machine.h"

#include <sched.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

namespace ftbench::os {

std::optional<std::string> read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return line;
}

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

MachineInfo MachineInfo::collect() {
  MachineInfo m;
  utsname u{};
  if (::uname(&u) == 0) {
    m.hostname = u.nodename;
    m.kernel_release = u.release;
    m.kernel_version = u.version;
    m.architecture = u.machine;
  }
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 && m.cpu_model.empty()) {
      auto colon = line.find(':');
      if (colon != std::string::npos) m.cpu_model = line.substr(colon + 2);
    }
  }
  m.logical_cpus = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  std::vector<int> all;
  for (int i = 0; i < m.logical_cpus; ++i) all.push_back(i);
  m.physical_cores = static_cast<int>(one_cpu_per_core(all).size());
  m.smt = m.physical_cores < m.logical_cpus;
  m.usable_cpus = os::usable_cpus();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/sys/bus/event_source/devices", ec)) {
    auto name = entry.path().filename().string();
    if (name == "cpu" || name.rfind("cpu_", 0) == 0 || name.rfind("armv", 0) == 0)
      m.pmu += (m.pmu.empty() ? "" : ",") + name;
  }
  if (m.pmu.empty()) m.pmu = "none (no CPU PMU exposed: hardware counters unavailable)";
  m.governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  if (auto no_turbo = read_first_line("/sys/devices/system/cpu/intel_pstate/no_turbo"))
    m.turbo = *no_turbo == "1" ? "off" : "on";
  else if (auto boost = read_first_line("/sys/devices/system/cpu/cpufreq/boost"))
    m.turbo = *boost == "1" ? "on" : "off";
  if (auto p = read_first_line("/proc/sys/kernel/perf_event_paranoid")) m.perf_event_paranoid = std::atoi(p->c_str());
  if (auto a = read_first_line("/proc/sys/kernel/randomize_va_space")) m.aslr = std::atoi(a->c_str());
  if (auto l = read_first_line("/proc/loadavg")) {
    std::istringstream s(*l);
    std::string a, b, c;
    s >> a >> b >> c;
    m.load_average = a + " " + b + " " + c;
  }
  std::ifstream meminfo("/proc/meminfo");
  for (std::string line; std::getline(meminfo, line);)
    if (line.rfind("MemTotal:", 0) == 0) m.memory_total_kb = std::atoll(line.c_str() + 9);
  m.boot_id = read_first_line("/proc/sys/kernel/random/boot_id").value_or("");
  return m;
}

}  // namespace ftbench::os
