#pragma once
// Synthetic benchmark boxes for the fleet tests: each a history of its own machine (CPU model,
// cores, SMT, host name; with or without a PMU), built as the nightly job builds it.

#include <filesystem>
#include <string>

#include "../synthetic_history.h"
#include "os/machine.h"

namespace ftbench::testing {

struct BoxSpec {
  std::string host;
  std::string cpu;
  int cores = 8;
  bool smt = true;
  bool pmu = true;
  double speed = 1.0;
  int nights = 40;
  bool events = true;  // injected steps, regressions, annotations, change points
  std::vector<int> threads{1, 2, 4};  // threads: [1, ncpu] and the like: a 2-core box runs {1, 2}
};

inline os::MachineInfo box_machine(const BoxSpec& b) {
  os::MachineInfo m;
  m.hostname = b.host;
  m.cpu_model = b.cpu;
  m.physical_cores = b.cores;
  m.logical_cpus = b.smt ? 2 * b.cores : b.cores;
  m.smt = b.smt;
  m.architecture = "x86_64";
  for (int i = 0; i < m.logical_cpus; ++i) m.usable_cpus.push_back(i);
  m.kernel_release = "6.1.0-27-amd64";
  m.boot_id = "boot-" + b.host;
  return m;
}

// The box's history.sqlite under `dir` (no run directories: the fleet needs only the values).
inline SyntheticHistory write_box(const std::filesystem::path& dir, const BoxSpec& b) {
  SyntheticHistoryOptions o;
  o.nights = b.nights;
  o.recent_run_dirs = 0;
  o.write_runs = false;
  o.machine = box_machine(b);
  o.pmu = b.pmu;
  o.speed = b.speed;
  o.events = b.events;
  o.counters = true;
  o.threads = b.threads;
  return write_synthetic_history(dir, o);
}

}  // namespace ftbench::testing
