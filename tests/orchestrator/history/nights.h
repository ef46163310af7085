#pragma once
// Synthetic nights for the history tests: the same machine and interpreters every night
// (3.13 default build and 3.13t free-threaded, plus 3.13t with PYTHON_GIL=1), two benchmarks
// at 1 and 2 threads, process medians drawn around a level each test chooses, so every
// expected answer is known.

#include <fmt/format.h>

#include <ctime>
#include <functional>
#include <string>

#include "../report/synthetic_run.h"

namespace ftbench::testing {

// "2026-01-01T02:30:00Z" plus `day` days: nights sort by created_at like real ones.
inline std::string night_time(int day) {
  std::tm base{};
  base.tm_year = 2026 - 1900;
  base.tm_mon = 0;
  base.tm_mday = 1;
  base.tm_hour = 2;
  base.tm_min = 30;
  const std::time_t t = ::timegm(&base) + static_cast<std::time_t>(day) * 86400;
  std::tm out{};
  ::gmtime_r(&t, &out);
  return fmt::format("{:04}-{:02}-{:02}T02:30:00Z", out.tm_year + 1900, out.tm_mon + 1, out.tm_mday);
}

struct NightSpec {
  int day = 0;
  int processes = 5;
  int iterations = 4;
  double sigma = 0.01;      // iteration noise within a process
  double between = 0.02;    // process-to-process noise
  double night_shift = 1;   // the whole machine this night (drift)
  // The level of one cell (ns per iteration, 1000 ops): tests change one cell to inject a step.
  std::function<double(const std::string& interpreter, const std::string& benchmark, int threads)> level =
      [](const std::string& interpreter, const std::string& benchmark, int threads) {
        double base = benchmark == "scaling/alpha" ? 2.0e6 : 3.0e6;
        if (interpreter != "3.13") base *= 1.25;
        return base / (interpreter == "3.13t" ? threads : 1);
      };
  std::string sha_313t = "b2b2b2b2b2b2b2b2b2b2";  // tonight's 3.13t binary
};

inline SyntheticRun make_night(const NightSpec& spec) {
  SyntheticRun run(fmt::format("2026{:04}-023000-nightly", spec.day), 1000 + static_cast<uint64_t>(spec.day));
  run.manifest().created_at = night_time(spec.day);
  run.manifest().finished_at = night_time(spec.day);
  run.manifest().config_name = "nightly";
  run.manifest().plan.size = "quick";
  run.interpreter({"3.13", "3.13.5", false, true, {}, "/opt/python/3.13.5/bin/python3"})
      .interpreter({"3.13t", "3.13.5", true, false, {}, "/opt/python/3.13.5t/bin/python3t"})
      .interpreter({"3.13t+GIL", "3.13.5", true, false, {{"PYTHON_GIL", "1"}}, "/opt/python/3.13.5t/bin/python3t"});
  auto& interps = run.manifest().plan.interpreters;
  interps[0].interpreter.sha256 = "a1a1a1a1a1a1a1a1a1a1";
  interps[1].interpreter.sha256 = spec.sha_313t;
  interps[2].interpreter.sha256 = spec.sha_313t;
  run.benchmark("scaling/alpha").benchmark("scaling/beta");
  for (const auto& label : {"3.13", "3.13t", "3.13t+GIL"})
    for (const auto& bench : {"scaling/alpha", "scaling/beta"})
      for (int threads : {1, 2})
        run.cell(label, bench, threads, spec.processes, spec.iterations, 1000,
                 lognormal_draw(spec.level(label, bench, threads) * spec.night_shift, spec.sigma, spec.between));
  return run;
}

}  // namespace ftbench::testing
