#pragma once
// Before a night's run: is the machine fit to measure? Load, the CPU settings that move
// timings (governor, turbo, SMT: from the system check `orchestrate doctor` shows,
// os/system_check.h) and a short noise probe (the same fixed loop timed many times; its
// spread is the machine's own jitter right now). Stored with the night; an unfit
// night is run and stored but excluded from every comparison, with the reason. Thresholds are
// the config's (`history.max_load`, `history.max_noise`); the defaults were calibrated on
// this project's shared 2-CPU VMs, so a noisy cloud box still counts its nights.

#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "os/machine.h"
#include "util/json.h"

namespace ftbench::history {

struct Preflight {
  double load_per_cpu = 0;         // 1-minute load average / usable CPUs
  int usable_cpus = 0;
  std::optional<std::string> governor;
  std::optional<std::string> turbo;
  bool smt = false;
  double probe_spread = 0;         // MAD / median of the probe's timings
  double probe_median_us = 0;
  std::vector<std::string> problems;  // why the machine is unfit; empty: fit
  // The system check's warnings ("governor: powersave on CPUs 0-1"): shown, never a verdict.
  std::vector<std::string> system_warnings;
  bool fit() const { return problems.empty(); }
  void write(json::Writer& w) const;  // the one serialization: stored with the night, and in nightly.json
  std::string to_json() const;
};

// Judges the machine as collected (MachineInfo::collect ran the system check) and runs the
// probe (about half a second).
Preflight run_preflight(const os::MachineInfo& machine, const config::History& settings);

// The verdict alone, for tests: the same rules on given numbers.
std::vector<std::string> judge_preflight(double load_per_cpu, double probe_spread, const config::History& settings);

}  // namespace ftbench::history
