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
//   orchestrate.lock         held (flock) by the one orchestrate writing the directory
// Killing the orchestrator at any moment loses at most the process in flight. Every write
// failure (full disk, read-only mount) is an os::StorageError naming the file.
class RunStore {
 public:
  static RunStore create(const std::filesystem::path& output_root, const std::string& run_id);
  // An existing run (resume, report): a directory with manifest.json or results.json.
  static RunStore open(const std::filesystem::path& run_dir);

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path log_file() const { return dir_ / "orchestrate.log"; }
  std::filesystem::path lock_file() const { return dir_ / "orchestrate.lock"; }
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

// How a loader may treat the directory.
enum class RunAccess {
  read,    // nothing on disk changes (compare, history import, a read-only run directory)
  repair,  // the caller holds the run's lock and writes into it (resume, report)
};

// The one way to open a run directory (report, compare, resume, history). manifest.json and
// results.json (the manifest's fields plus the runs) back each other up: when one is damaged
// (missing, empty, truncated, not JSON, not an ftbench file) and the other is intact, the run
// loads from the intact one, with one line in `problems` saying so. With RunAccess::repair the
// damaged file is also moved aside (manifest.json.damaged-<time>) and rewritten, and the
// temporaries of a writer that died are removed. Throws UserError naming the directory when it
// is not a run directory, or when both files are damaged (saying what is left and what to do;
// nothing is changed then), or when its schema is newer than this build.
LoadedRun load_run_directory(const std::filesystem::path& run_dir, RunAccess access = RunAccess::read);

// "20261128-164512-smoke": sortable, unique per second and config.
std::string make_run_id(const std::string& config_name);

}  // namespace ftbench::results
