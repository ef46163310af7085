#include "os/system_check.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "os/files.h"
#include "os/machine.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace ftbench::os {
namespace {

// Thresholds of the verdicts (docs: README "doctor"). Loose enough that an idle desktop passes.
constexpr double kMaxLoadPerCpu = 0.5;     // 1-minute load per usable CPU
constexpr double kMaxStealShare = 0.02;    // of all CPU time while we watched
constexpr double kBusyShare = 0.05;        // a process using 5 % of a CPU is noticed
constexpr double kListedShare = 0.01;      // ... 1 % is listed
constexpr size_t kBusyListed = 5;

std::optional<long long> read_integer(const fs::path& path) {
  auto line = read_first_line(path);
  if (!line) return std::nullopt;
  return util::to_integer(util::trim(*line));
}

std::optional<bool> read_flag(const fs::path& path) {
  auto v = read_integer(path);
  if (!v) return std::nullopt;
  return *v != 0;
}

std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// "isolcpus=nohz,domain,2-3" -> "nohz,domain,2-3"; "" when the parameter is absent.
std::string cmdline_value(const std::vector<std::string>& params, std::string_view name) {
  const std::string prefix = std::string(name) + "=";
  for (const auto& p : params)
    if (p.rfind(prefix, 0) == 0) return p.substr(prefix.size());
  return "";
}

// Aggregate CPU time of /proc/stat's "cpu" line (guest time is already inside user time) and
// how many CPUs it sums.
struct CpuTimes {
  long long total = 0;
  long long steal = 0;
  bool has_steal = false;
  int cpus = 0;
};

CpuTimes read_cpu_times(const SystemRoot& root) {
  CpuTimes t;
  std::ifstream in(root.proc("stat"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("cpu", 0) != 0) continue;
    if (line.size() > 3 && std::isdigit(static_cast<unsigned char>(line[3]))) {
      ++t.cpus;
      continue;
    }
    const auto fields = words(line);
    // cpu user nice system idle iowait irq softirq steal guest guest_nice
    for (size_t i = 1; i < fields.size() && i <= 8; ++i) t.total += std::atoll(fields[i].c_str());
    if (fields.size() > 8) {
      t.steal = std::atoll(fields[8].c_str());
      t.has_steal = true;
    }
  }
  return t;
}

struct ProcessTimes {
  std::string command;
  long long ticks = 0;  // utime + stime of the whole process
};

// Every process's CPU ticks, from /proc/<pid>/stat (whose comm may hold spaces and parentheses).
std::map<int, ProcessTimes> read_process_times(const SystemRoot& root) {
  std::map<int, ProcessTimes> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root.proc(""), ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || !std::all_of(name.begin(), name.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
      continue;
    std::ifstream in(entry.path() / "stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto open = line.find('(');
    const auto close = line.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    const auto rest = words(line.substr(close + 1));
    // After the comm: state(0) ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime(11) stime(12)
    if (rest.size() < 13) continue;
    out[std::atoi(name.c_str())] = {line.substr(open + 1, close - open - 1),
                                    std::atoll(rest[11].c_str()) + std::atoll(rest[12].c_str())};
  }
  return out;
}

void read_sampled_facts(SystemFacts& f, const SystemCheckOptions& options) {
  const auto& root = options.root;
  const auto cpu_before = read_cpu_times(root);
  const auto procs_before = read_process_times(root);
  const auto start = std::chrono::steady_clock::now();
  if (options.between_readings) options.between_readings();
  else std::this_thread::sleep_for(options.interval);
  f.sample_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto cpu_after = read_cpu_times(root);
  const auto procs_after = read_process_times(root);

  const long long total = cpu_after.total - cpu_before.total;
  if (total > 0 && cpu_after.has_steal)
    f.steal_share = static_cast<double>(cpu_after.steal - cpu_before.steal) / static_cast<double>(total);
  for (const auto& [pid, p] : procs_after)
    if (p.command == "irqbalance") f.irqbalance_running = true;
  if (!procs_after.empty() && !f.irqbalance_running) f.irqbalance_running = false;
  // The interval in ticks of one CPU, from the same clock the processes' ticks come from.
  const double per_cpu = cpu_after.cpus > 0 ? static_cast<double>(total) / cpu_after.cpus : 0;
  if (per_cpu <= 0) return;
  const int self = static_cast<int>(::getpid());
  for (const auto& [pid, p] : procs_after) {
    auto before = procs_before.find(pid);
    if (pid == self || before == procs_before.end()) continue;
    const double share = static_cast<double>(p.ticks - before->second.ticks) / per_cpu;
    if (share >= kListedShare) f.busy_processes.push_back({pid, p.command, share});
  }
  std::sort(f.busy_processes.begin(), f.busy_processes.end(),
            [](const BusyProcess& a, const BusyProcess& b) { return a.cpu_share > b.cpu_share; });
  if (f.busy_processes.size() > kBusyListed) f.busy_processes.resize(kBusyListed);
}

void read_frequency(SystemFacts& f, const SystemRoot& root) {
  for (int cpu : f.cpus) {
    const auto dir = root.sys("devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq");
    auto governor = read_first_line(dir / "scaling_governor");
    if (!governor) continue;
    CpuFrequency c;
    c.cpu = cpu;
    c.governor = *governor;
    c.driver = read_first_line(dir / "scaling_driver").value_or("");
    c.available_governors = words(read_first_line(dir / "scaling_available_governors").value_or(""));
    c.min_khz = read_integer(dir / "cpuinfo_min_freq");
    c.max_khz = read_integer(dir / "cpuinfo_max_freq");
    c.scaling_min_khz = read_integer(dir / "scaling_min_freq");
    c.scaling_max_khz = read_integer(dir / "scaling_max_freq");
    f.frequency.push_back(std::move(c));
  }
}

void read_numa(SystemFacts& f, const SystemRoot& root) {
  std::error_code ec;
  std::set<int> used;
  for (const auto& entry : fs::directory_iterator(root.sys("devices/system/node"), ec)) {
    const auto name = entry.path().filename().string();
    if (name.rfind("node", 0) != 0 || name.size() == 4 || !std::isdigit(static_cast<unsigned char>(name[4]))) continue;
    ++f.numa_nodes;
    const auto node_cpus = parse_cpu_list(read_first_line(entry.path() / "cpulist").value_or(""));
    for (int cpu : f.cpus)
      if (std::find(node_cpus.begin(), node_cpus.end(), cpu) != node_cpus.end()) used.insert(std::atoi(name.c_str() + 4));
  }
  f.numa_nodes_used.assign(used.begin(), used.end());
}

bool hypervisor_present(const SystemRoot& root) {
  if (read_first_line(root.sys("hypervisor/type")).value_or("") != "") return true;
  std::ifstream cpuinfo(root.proc("cpuinfo"));
  for (std::string line; std::getline(cpuinfo, line);)
    if (line.rfind("flags", 0) == 0) return (" " + line + " ").find(" hypervisor ") != std::string::npos;
  return false;
}

std::string percent(double share) { return fmt::format("{:.0f}%", share * 100); }

std::string mhz(long long khz) {
  return khz >= 1'000'000 ? fmt::format("{:.2f} GHz", static_cast<double>(khz) / 1e6)
                          : fmt::format("{} MHz", khz / 1000);
}

// "cpu{0,1}" for the shell, or "cpu0" for one CPU.
std::string cpu_glob(const std::vector<int>& cpus) {
  if (cpus.size() == 1) return "cpu" + std::to_string(cpus.front());
  std::string out = "cpu{";
  for (size_t i = 0; i < cpus.size(); ++i) out += (i ? "," : "") + std::to_string(cpus[i]);
  return out + "}";
}

std::string sys_path(std::string_view relative) { return "/sys/" + std::string(relative); }
std::string proc_path(std::string_view relative) { return "/proc/" + std::string(relative); }

std::string no_cpufreq_reason(const SystemFacts& f) {
  return f.virtual_machine ? "no cpufreq: a VM, the host sets the frequency" : "no cpufreq driver is loaded";
}

CheckItem ok(std::string name, std::string found) { return {std::move(name), CheckStatus::ok, std::move(found), ""}; }

CheckItem not_applicable(std::string name, std::string found) {
  return {std::move(name), CheckStatus::not_applicable, std::move(found), ""};
}

// Turns `c` into a warning: `why` added to what was found, and the command that fixes it.
CheckItem warn(CheckItem c, std::string_view why, std::string fix) {
  c.status = CheckStatus::warning;
  c.found += why;
  c.fix = std::move(fix);
  return c;
}

CheckItem judge_governor(const SystemFacts& f) {
  if (f.frequency.empty()) return not_applicable("governor", "not exposed (" + no_cpufreq_reason(f) + ")");
  std::map<std::string, std::vector<int>> by_governor;
  std::vector<int> slow;
  for (const auto& fr : f.frequency) {
    by_governor[fr.governor].push_back(fr.cpu);
    if (fr.governor != "performance") slow.push_back(fr.cpu);
  }
  std::string found;
  for (const auto& [g, cpus] : by_governor) found += (found.empty() ? "" : "; ") + g + " on CPUs " + format_cpu_list(cpus);
  auto c = ok("governor", found);
  if (slow.empty()) return c;
  return warn(c, "", "sudo orchestrate doctor --tune, or: echo performance | sudo tee /sys/devices/system/cpu/" +
                         cpu_glob(slow) + "/cpufreq/scaling_governor");
}

CheckItem judge_turbo(const SystemFacts& f) {
  if (f.intel_no_turbo) {
    if (*f.intel_no_turbo) return ok("turbo", "off (intel_pstate no_turbo = 1)");
    return warn(ok("turbo", "on (intel_pstate no_turbo = 0)"), "",
                "sudo orchestrate doctor --tune, or: echo 1 | sudo tee " + sys_path(kNoTurboFile));
  }
  if (f.cpufreq_boost) {
    if (!*f.cpufreq_boost) return ok("turbo", "off (cpufreq boost = 0)");
    return warn(ok("turbo", "on (cpufreq boost = 1)"), "",
                "sudo orchestrate doctor --tune, or: echo 0 | sudo tee " + sys_path(kBoostFile));
  }
  return not_applicable("turbo", "not exposed (neither intel_pstate/no_turbo nor cpufreq/boost" +
                                     std::string(f.virtual_machine ? ": a VM, the host decides" : "") + ")");
}

CheckItem judge_smt(const SystemFacts& f) {
  const bool active = f.smt_active.value_or(f.physical_cores > 0 && f.physical_cores < f.logical_cpus);
  if (!active) return ok("SMT", f.smt_control == "notsupported" ? "not supported" : "off");
  auto c = ok("SMT", fmt::format("on ({} logical CPUs on {} cores)", f.logical_cpus, f.physical_cores));
  if (!f.cpus_share_cores) {
    c.found += "; the CPUs checked are on separate cores";
    return c;
  }
  return warn(c, "; CPUs " + format_cpu_list(f.cpus) + " include SMT siblings of one core",
              "`affinity: auto` in the config (one CPU per core), or: echo off | sudo tee "
              "/sys/devices/system/cpu/smt/control");
}

// The config's affinity list for `cpus`: YAML wants the numbers ("[2, 3, 4]"), not a range.
std::string affinity_setting(std::span<const int> cpus) {
  std::vector<std::string> numbers;
  for (int cpu : cpus) numbers.push_back(std::to_string(cpu));
  return "`affinity: [" + util::join(numbers, ", ") + "]` in the config";
}

CheckItem judge_isolation(const SystemFacts& f) {
  if (f.isolated.empty() && f.nohz_full.empty()) {
    // Keep CPU 0 for the system where there is more than one.
    std::vector<int> spare;
    for (int cpu : f.cpus)
      if (cpu != 0 || f.cpus.size() == 1) spare.push_back(cpu);
    const auto& chosen = spare.empty() ? f.cpus : spare;
    const auto list = format_cpu_list(chosen);
    return warn(ok("isolated CPUs", "none"), " (other tasks and interrupts share every CPU)",
                "add `isolcpus=" + list + " nohz_full=" + list + " rcu_nocbs=" + list +
                    "` to GRUB_CMDLINE_LINUX in /etc/default/grub, `sudo update-grub`, reboot, then " +
                    affinity_setting(chosen));
  }
  std::string params;
  for (const auto& [name, value] : {std::pair{"isolcpus", &f.cmdline_isolcpus}, std::pair{"nohz_full", &f.cmdline_nohz_full},
                                    std::pair{"rcu_nocbs", &f.cmdline_rcu_nocbs}})
    if (!value->empty()) params += std::string(params.empty() ? "" : " ") + name + "=" + *value;
  auto c = ok("isolated CPUs", "isolated " + (f.isolated.empty() ? std::string("none") : format_cpu_list(f.isolated)) +
                                   ", nohz_full " + (f.nohz_full.empty() ? std::string("none") : format_cpu_list(f.nohz_full)) +
                                   (params.empty() ? "" : " (" + params + ")"));
  std::vector<int> outside;
  for (int cpu : f.cpus)
    if (std::find(f.isolated.begin(), f.isolated.end(), cpu) == f.isolated.end() &&
        std::find(f.nohz_full.begin(), f.nohz_full.end(), cpu) == f.nohz_full.end())
      outside.push_back(cpu);
  if (outside.empty()) return c;
  const auto& isolated = f.isolated.empty() ? f.nohz_full : f.isolated;
  return warn(c, "; CPUs " + format_cpu_list(outside) + " checked here are not among them",
              "pin the run to the isolated CPUs: " + affinity_setting(isolated));
}

CheckItem judge_aslr(const SystemFacts& f) {
  if (!f.aslr) return not_applicable("ASLR", "unknown (" + proc_path(kAslrFile) + " not readable)");
  // Each process samples another layout, and processes are the unit: layout effects average out.
  if (*f.aslr == 2) return ok("ASLR", "full randomization (2): each process samples another address-space layout");
  return warn(ok("ASLR", fmt::format("{} ({})", *f.aslr, *f.aslr == 0 ? "off" : "partial")),
              ": every process gets the same layout, so one layout's luck is measured as a result",
              "sudo orchestrate doctor --tune, or: echo 2 | sudo tee " + proc_path(kAslrFile));
}

CheckItem judge_irqbalance(const SystemFacts& f) {
  if (!f.irqbalance_running) return not_applicable("irqbalance", "unknown (/proc not readable)");
  if (!*f.irqbalance_running) return ok("irqbalance", "not running");
  return warn(ok("irqbalance", "running"), ": it moves interrupts onto the benchmark CPUs now and then",
              "sudo systemctl stop irqbalance (and `sudo systemctl start irqbalance` afterwards)");
}

CheckItem judge_numa(const SystemFacts& f) {
  if (f.numa_nodes == 0) return not_applicable("NUMA", "no NUMA information (/sys/devices/system/node)");
  auto c = ok("NUMA", fmt::format("{} node{}", f.numa_nodes, f.numa_nodes == 1 ? "" : "s"));
  if (f.numa_nodes_used.size() <= 1) return c;
  return warn(c,
              "; CPUs " + format_cpu_list(f.cpus) + " span nodes " + format_cpu_list(f.numa_nodes_used) +
                  ": memory is near some threads and far from others",
              "pin the run to one node: `affinity: [...]` with CPUs of one node (`lscpu` lists them)");
}

CheckItem judge_frequency_range(const SystemFacts& f) {
  if (f.frequency.empty()) return not_applicable("frequency range", "not exposed (" + no_cpufreq_reason(f) + ")");
  std::vector<int> capped;
  std::string capped_max;
  for (const auto& fr : f.frequency) {
    if (fr.max_khz && fr.scaling_max_khz && *fr.scaling_max_khz < *fr.max_khz) {
      capped.push_back(fr.cpu);
      capped_max = std::to_string(*fr.max_khz);
    }
  }
  const auto& first = f.frequency.front();
  std::string found;
  if (first.min_khz && first.max_khz) found = "hardware " + mhz(*first.min_khz) + " - " + mhz(*first.max_khz);
  if (first.scaling_min_khz && first.scaling_max_khz)
    found += (found.empty() ? "" : ", ") + std::string("allowed ") + mhz(*first.scaling_min_khz) + " - " +
             mhz(*first.scaling_max_khz);
  if (!first.driver.empty()) found += " (" + first.driver + ")";
  if (capped.empty()) return ok("frequency range", found);
  return warn(ok("frequency range", found), "; CPUs " + format_cpu_list(capped) + " are capped below their maximum",
              "echo " + capped_max + " | sudo tee /sys/devices/system/cpu/" + cpu_glob(capped) + "/cpufreq/scaling_max_freq");
}

CheckItem judge_load(const SystemFacts& f) {
  if (f.load_average.empty()) return not_applicable("load average", "unknown (/proc/loadavg not readable)");
  const double per_cpu = f.load_average[0] / std::max(1, f.usable_cpus);
  auto c = ok("load average", fmt::format("{:.2f} over 1 minute ({:.2f} per usable CPU)", f.load_average[0], per_cpu));
  if (per_cpu <= kMaxLoadPerCpu) return c;
  return warn(c, ": something else is running", "find it with `top -o %CPU` and stop it, or wait until the machine is idle");
}

CheckItem judge_steal(const SystemFacts& f) {
  if (!f.steal_share) return not_applicable("steal time", "not measured (/proc/stat has no steal column)");
  auto c = ok("steal time", fmt::format("{:.1f}% of CPU time over {:.1f} s", *f.steal_share * 100, f.sample_seconds));
  if (*f.steal_share <= kMaxStealShare) return c;
  return warn(c, ": the hypervisor ran other guests on this VM's CPUs", "a dedicated host, or a VM with dedicated (pinned) vCPUs");
}

CheckItem judge_busy(const SystemFacts& f) {
  std::string found, pids;
  for (const auto& p : f.busy_processes) {
    found += (found.empty() ? "" : ", ") + fmt::format("{} (pid {}) {}", p.command, p.pid, percent(p.cpu_share));
    if (p.cpu_share >= kBusyShare) pids += (pids.empty() ? "" : " ") + std::to_string(p.pid);
  }
  if (found.empty()) return ok("busy processes", fmt::format("none over {:.1f} s (ourselves excluded)", f.sample_seconds));
  auto c = ok("busy processes", found + " of a CPU");
  if (pids.empty()) return c;
  return warn(c, "", "stop them (`kill " + pids + "`) or run the benchmark when they are done");
}

CheckItem judge_perf_sampling(const SystemFacts& f) {
  if (!f.perf_max_sample_rate && !f.perf_cpu_time_max_percent)
    return not_applicable("perf sampling", "unknown (/proc/sys/kernel/perf_event_max_sample_rate not readable)");
  // ftbench counts events and never samples, so these limits cannot throttle it.
  return ok("perf sampling",
            fmt::format("max sample rate {}/s, CPU time limit {}% (ftbench counts, it does not sample: only a "
                        "profiler beside it is throttled)",
                        f.perf_max_sample_rate ? std::to_string(*f.perf_max_sample_rate) : "?",
                        f.perf_cpu_time_max_percent ? std::to_string(*f.perf_cpu_time_max_percent) : "?"));
}

CheckItem judge_nmi_watchdog(const SystemFacts& f) {
  if (!f.nmi_watchdog) return not_applicable("NMI watchdog", "not exposed (" + proc_path(kNmiWatchdogFile) + ")");
  if (!f.hardware_pmu)
    return not_applicable("NMI watchdog", fmt::format("{} (no hardware PMU: it holds no counter)", *f.nmi_watchdog ? "on" : "off"));
  if (!*f.nmi_watchdog) return ok("NMI watchdog", "off");
  return warn(ok("NMI watchdog", "on"), ": it holds one hardware counter on every CPU, so hardware events multiplex sooner",
              "sudo orchestrate doctor --tune, or: echo 0 | sudo tee " + proc_path(kNmiWatchdogFile));
}

}  // namespace

SystemRoot SystemRoot::from_environment() {
  const char* root = std::getenv("FTBENCH_SYSTEM_ROOT");
  return root && *root ? SystemRoot{root} : SystemRoot{};
}

std::optional<std::string> SystemFacts::turbo() const {
  if (intel_no_turbo) return *intel_no_turbo ? "off" : "on";
  if (cpufreq_boost) return *cpufreq_boost ? "on" : "off";
  return std::nullopt;
}

std::string governor_file(int cpu) {
  return "devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/scaling_governor";
}

std::vector<int> parse_cpu_list(std::string_view text) {
  std::vector<int> cpus;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item(text.substr(start, comma - start));
    start = comma + 1;
    int first = 0, last = 0;
    char tail = 0;
    if (std::sscanf(item.c_str(), "%d-%d%c", &first, &last, &tail) == 2 && first >= 0 && last >= first) {
      for (int c = first; c <= last; ++c) cpus.push_back(c);
    } else if (std::sscanf(item.c_str(), "%d%c", &first, &tail) == 1 && first >= 0) {
      cpus.push_back(first);
    }
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

std::string format_cpu_list(std::span<const int> cpus) {
  std::vector<int> sorted(cpus.begin(), cpus.end());
  std::sort(sorted.begin(), sorted.end());
  std::string out;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(sorted[i]);
    if (j > i) out += "-" + std::to_string(sorted[j]);
    i = j + 1;
  }
  return out;
}

std::vector<std::string> cpu_pmus(const SystemRoot& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(root.sys("bus/event_source/devices"), ec)) {
    auto name = entry.path().filename().string();
    if (name == "cpu" || name.rfind("cpu_", 0) == 0 || name.rfind("armv", 0) == 0) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

SystemFacts read_system_facts(const SystemCheckOptions& options) {
  const auto& root = options.root;
  SystemFacts f;
  f.usable_cpus = static_cast<int>(usable_cpus().size());
  f.cpus = options.cpus.empty() ? usable_cpus() : options.cpus;
  std::sort(f.cpus.begin(), f.cpus.end());
  const auto online = parse_cpu_list(read_first_line(root.sys("devices/system/cpu/online")).value_or(""));
  f.logical_cpus = static_cast<int>(online.size());
  const auto sysfs = (root.root / "sys").string();
  f.physical_cores = static_cast<int>(one_cpu_per_core(online, sysfs).size());
  f.cpus_share_cores = one_cpu_per_core(f.cpus, sysfs).size() < f.cpus.size();
  f.virtual_machine = hypervisor_present(root);
  read_frequency(f, root);
  f.intel_no_turbo = read_flag(root.sys(kNoTurboFile));
  f.cpufreq_boost = read_flag(root.sys(kBoostFile));
  f.smt_control = read_first_line(root.sys("devices/system/cpu/smt/control")).value_or("");
  f.smt_active = read_flag(root.sys("devices/system/cpu/smt/active"));
  f.isolated = parse_cpu_list(read_first_line(root.sys("devices/system/cpu/isolated")).value_or(""));
  f.nohz_full = parse_cpu_list(read_first_line(root.sys("devices/system/cpu/nohz_full")).value_or(""));
  const auto params = words(read_first_line(root.proc("cmdline")).value_or(""));
  f.cmdline_isolcpus = cmdline_value(params, "isolcpus");
  f.cmdline_nohz_full = cmdline_value(params, "nohz_full");
  f.cmdline_rcu_nocbs = cmdline_value(params, "rcu_nocbs");
  if (auto a = read_integer(root.proc(kAslrFile))) f.aslr = static_cast<int>(*a);
  read_numa(f, root);
  for (const auto& w : words(read_first_line(root.proc("loadavg")).value_or("")))
    if (f.load_average.size() < 3) f.load_average.push_back(std::atof(w.c_str()));
  f.perf_max_sample_rate = read_integer(root.proc("sys/kernel/perf_event_max_sample_rate"));
  if (auto p = read_integer(root.proc("sys/kernel/perf_cpu_time_max_percent"))) f.perf_cpu_time_max_percent = static_cast<int>(*p);
  if (auto w = read_integer(root.proc(kNmiWatchdogFile))) f.nmi_watchdog = static_cast<int>(*w);
  f.hardware_pmu = !cpu_pmus(root).empty();
  read_sampled_facts(f, options);
  return f;
}

std::vector<CheckItem> judge_system(const SystemFacts& f) {
  return {judge_governor(f),   judge_turbo(f),     judge_smt(f),         judge_isolation(f),
          judge_aslr(f),       judge_irqbalance(f), judge_numa(f),       judge_frequency_range(f),
          judge_load(f),       judge_steal(f),     judge_busy(f),        judge_perf_sampling(f),
          judge_nmi_watchdog(f)};
}

SystemCheck check_system(const SystemCheckOptions& options) {
  SystemCheck check;
  check.facts = read_system_facts(options);
  check.items = judge_system(check.facts);
  return check;
}

const CheckItem* SystemCheck::item(std::string_view name) const {
  for (const auto& i : items)
    if (i.name == name) return &i;
  return nullptr;
}

size_t SystemCheck::warnings() const {
  return static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [](const CheckItem& i) { return i.status == CheckStatus::warning; }));
}

std::string render_system_check(const SystemCheck& check) {
  std::string out = "system check (CPUs " + format_cpu_list(check.facts.cpus) + ")\n";
  for (const auto& i : check.items)
    out += fmt::format("  {:<17}{:<15}{}\n", i.name, util::name_string(i.status), i.found);
  if (check.warnings() > 0) {
    out += "\nwhat to change for steadier timings:\n";
    for (const auto& i : check.items)
      if (i.status == CheckStatus::warning) out += "  - " + i.name + ": " + i.fix + "\n";
  }
  return out;
}

}  // namespace ftbench::os
