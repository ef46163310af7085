#pragma once
// The nightly job after its run: store the night, judge it, re-measure suspects, place change
// points, and say what happened (NightlyReport). The runs themselves are the caller's: a
// ConfirmationRunner makes the extra processes (commands/nightly_command.cpp runs the real
// pipeline; tests pass a fake), so all of this is testable without interpreters.

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "history/changepoints.h"
#include "history/confirm.h"
#include "history/detect.h"
#include "history/nightly_report.h"
#include "history/preflight.h"
#include "history/store.h"
#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::history {

// One confirmation run to make: interpreters (by path, with their environment) x benchmarks x
// thread counts, `processes` fresh processes per cell, interleaved.
struct ConfirmationBatch {
  struct Interpreter {
    std::string label;
    std::filesystem::path executable;
    std::map<std::string, std::string> env;
  };
  std::vector<Interpreter> interpreters;
  std::vector<std::string> benchmarks;
  std::vector<int> threads;
  int processes = 0;
};

// What came back: process medians of time per operation per (label, benchmark, threads).
struct ConfirmationResult {
  std::map<std::tuple<std::string, std::string, int>, std::vector<double>> units;
  double seconds = 0;
};
using ConfirmationRunner = std::function<ConfirmationResult(const ConfirmationBatch&)>;

struct NightlySettings {
  DetectionSettings detection;
  ChangePointSettings change_points;
  double confirm_budget = 0.10;  // share of the night's wall time confirmation may use
};
NightlySettings nightly_settings(const config::History& history);

struct NightInput {
  results::Manifest manifest;
  std::vector<results::ProcessRun> runs;
  std::filesystem::path run_dir;
  Preflight preflight;
  double run_seconds = 0;
  std::string history_file;
};

NightlyReport process_night(HistoryStore& store, const NightInput& night, const NightlySettings& settings,
                            const ConfirmationRunner& runner);

// Change points of every judged series of a machine, recomputed over its whole history.
void update_change_points(HistoryStore& store, int64_t machine_id, const ChangePointSettings& settings);

}  // namespace ftbench::history
