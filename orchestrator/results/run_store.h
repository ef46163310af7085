#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::results {

// A run directory on disk (docs/results-schema.md):
//   manifest.json            plan, config, machine; rewritten atomically at start and end
//   runs/<seq>-<id>.json     one file per finished interpreter process, written atomically
//   logs/<seq>.stdout|stderr the child's own output
//   results.json             manifest + all runs merged; rewritten after each finished run
//   orchestrate.log          the orchestrator's log
// Killing the orchestrator at any moment loses at most the process in flight.
class RunStore {
 public:
  static RunStore create(const std::filesystem::path& output_root, const std::string& run_id);
  static RunStore open(const std::filesystem::path& run_dir);  // existing run (resume, report)

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path log_file() const { return dir_ / "orchestrate.log"; }
  std::filesystem::path child_output(size_t sequence, const char* stream) const;

  void write_manifest(const Manifest& manifest) const;
  Manifest read_manifest() const;

  void save_run(const ProcessRun& run) const;
  // Every readable run file, by sequence; unreadable ones are reported in `problems`.
  std::vector<ProcessRun> load_runs(std::vector<std::string>* problems = nullptr) const;

  void write_merged(const Manifest& manifest, const std::vector<ProcessRun>& runs) const;

 private:
  explicit RunStore(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;
};

// A stored run as every reader needs it: its manifest, every readable process result, and
// one line per file that could not be read.
struct LoadedRun {
  RunStore store;
  Manifest manifest;
  std::vector<ProcessRun> runs;
  std::vector<std::string> problems;
};
// The one way to open a run directory (report, compare, resume, the index page). Throws
// UserError naming the directory when it is not a run directory or its manifest is unusable.
LoadedRun load_run_directory(const std::filesystem::path& run_dir);

// "20261128-164512-smoke": sortable, unique per second and config.
std::string make_run_id(const std::string& config_name);

}  // namespace ftbench::results
