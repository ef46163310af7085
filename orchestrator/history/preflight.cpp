#include "history/preflight.h"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <cstdlib>

#include "analysis/statistics.h"
#include "util/json.h"

namespace ftbench::history {
namespace {

// A fixed amount of integer work; volatile so the compiler keeps it.
double probe_once() {
  const auto start = std::chrono::steady_clock::now();
  volatile uint64_t x = 1;
  for (int i = 0; i < 200'000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::vector<std::string> judge_preflight(double load_per_cpu, double probe_spread, const config::History& s) {
  std::vector<std::string> problems;
  if (load_per_cpu > s.max_load)
    problems.push_back(fmt::format("load {:.2f} per usable CPU is above history.max_load {:.2f}: something else is "
                                   "running (see `top`)",
                                   load_per_cpu, s.max_load));
  if (probe_spread > s.max_noise)
    problems.push_back(fmt::format("the noise probe varied {:.0f}% (MAD/median), above history.max_noise {:.0f}%: the "
                                   "machine is too noisy right now",
                                   probe_spread * 100, s.max_noise * 100));
  return problems;
}

Preflight run_preflight(const os::MachineInfo& machine, const config::History& settings) {
  Preflight p;
  p.usable_cpus = static_cast<int>(std::max<size_t>(1, machine.usable_cpus.size()));
  p.load_per_cpu = std::atof(machine.load_average.c_str()) / p.usable_cpus;
  p.governor = machine.governor;
  p.turbo = machine.turbo;
  p.smt = machine.smt;
  if (machine.system_check)
    for (const auto& item : machine.system_check->items)
      if (item.status == os::CheckStatus::warning) p.system_warnings.push_back(item.name + ": " + item.found);
  std::vector<double> times;
  for (int i = 0; i < 60; ++i) times.push_back(probe_once());
  const double median = analysis::median(times);
  p.probe_median_us = median;
  p.probe_spread = median > 0 ? analysis::mad(times, median) / median : 0;
  p.problems = judge_preflight(p.load_per_cpu, p.probe_spread, settings);
  return p;
}

void Preflight::write(json::Writer& w) const {
  w.start_object();
  w.field("load_per_cpu", load_per_cpu);
  w.field("usable_cpus", usable_cpus);
  w.field("governor", governor);
  w.field("turbo", turbo);
  w.field("smt", smt);
  w.field("probe_spread", probe_spread);
  w.field("probe_median_us", probe_median_us);
  w.field("problems", problems);
  w.field("system_warnings", system_warnings);
  w.field("fit", fit());
  w.end_object();
}

std::string Preflight::to_json() const {
  json::Writer w(json::Writer::Style::compact);
  write(w);
  return w.str();
}

}  // namespace ftbench::history
