#pragma once
// A nightly history built in code, for history.html's tests and its browser test: N nights of
// a synthetic run (tests/orchestrator/report/synthetic_run.h) on one machine, stored through
// HistoryStore as the nightly job stores them, with known events: a 10% step in one series
// and its recovery, a slow drift, a late step that stays, an expected speed-up, excluded
// nights, annotations, change points, and regressions in every state.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "../report/synthetic_run.h"
#include "os/machine.h"

namespace ftbench::testing {

struct SyntheticHistoryOptions {
  int nights = 365;
  uint64_t seed = 7;
  // Nights whose run directory (and dashboard.html) is written under <dir>/results: the
  // nights regressions were detected on and the last `recent_run_dirs` ones. One of them is
  // then marked pruned (its link must disappear).
  int recent_run_dirs = 4;
  // true: a real dashboard.html (needs the dashboard assets); false: a placeholder file.
  bool real_dashboards = false;
  // false: only <run>/dashboard.html (a placeholder), not the run's files: enough for links,
  // and far fewer synced writes.
  bool write_runs = true;
  // A fleet (tests/orchestrator/history/postgres): another machine than the synthetic run's,
  // one without a PMU (its nights count no hitm and no instructions), a slower or faster one.
  std::optional<os::MachineInfo> machine;
  bool pmu = true;
  double speed = 1.0;  // every time divided by this
  // false: only the nights (no injected steps, regressions, annotations or change points).
  bool events = true;
  // Counters in every cell: context switches always; hitm and instructions counted with a PMU,
  // "not supported" without one (as on a VM).
  bool counters = false;
  std::vector<int> threads{1, 2, 4};  // a small box runs fewer (its ncpu)
};

struct SyntheticHistory {
  std::filesystem::path database;                 // <dir>/history.sqlite
  std::filesystem::path results;                  // <dir>/results: the run directories
  int nights = 0;
  int excluded = 0;
  int regressions = 0;
  int open_regressions = 0;                       // suspect + confirmed
  int annotations = 0;
  std::vector<std::string> run_dirs;              // run ids with a run directory (pruned one included)
  std::string pruned_run;                         // run id of the pruned night ("" if none)
  std::vector<std::string> regression_states;     // one per regression, as stored
  std::string step_series;                        // the series with the step and recovery
  double seconds = 0;                             // how long building it took
};

// Night k's run: 3.12 (baseline), 3.13, 3.13t and 3.13t with PYTHON_GIL=1; six benchmarks
// (one latency, one strong-scaling, one single-thread only) at 1, 2 and 4 threads; few
// processes and iterations so a year takes seconds. created_at is 2025-12-01T02:30:00Z + k days.
SyntheticRun synthetic_night(int k, const SyntheticHistoryOptions& options);

// "2025-12-01T02:30:00Z" + k days, and the run id of that night ("20251201-023000-nightly").
std::string night_created_at(int k);
std::string night_run_id(int k);

// Builds the history in `dir` (an existing history.sqlite there is replaced).
SyntheticHistory write_synthetic_history(const std::filesystem::path& dir, const SyntheticHistoryOptions& options = {});

}  // namespace ftbench::testing
