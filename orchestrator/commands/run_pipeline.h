#pragma once

#include <atomic>
#include <filesystem>
#include <optional>
#include <string>

#include "config/config.h"
#include "harness/benchmark.h"
#include "os/lock.h"
#include "os/machine.h"
#include "results/manifest.h"
#include "results/process_run.h"
#include "results/run_store.h"

namespace ftbench::commands {

// What `run` and `script` share: config -> plan -> run -> results, or a resume of a run dir.
struct PipelineRequest {
  std::optional<config::RunConfig> config;       // absent when resuming
  std::optional<std::filesystem::path> resume_dir;
  bool dry_run = false;
  std::filesystem::path workloads_override;
  std::string log_level = "info";
  std::string command_line;
  std::optional<harness::Benchmark> script;      // script mode: the only benchmark
  bool print_summary = true;                     // the summary table and dashboard path on stdout
  bool ingest = true;                            // into the history (when the run's history is on)
  bool logging_ready = false;                    // the caller set up console logging already
  // The machine, when the caller read it already (nightly: its preflight; a confirmation: the
  // night's): the system check samples for half a second, once a night is enough.
  std::optional<os::MachineInfo> machine;
};

// What a pipeline run produced, for callers that go on (nightly: ingest, detect, confirm).
struct PipelineResult {
  int exit_code = 0;
  std::optional<std::filesystem::path> run_dir;  // absent for a dry run
  results::Manifest manifest;
  std::vector<results::ProcessRun> runs;
  bool interrupted = false;
  size_t failed = 0;
  double seconds = 0;                             // wall time of the whole pipeline
};

// The machine and its readiness over the CPUs `config` uses, judged as `orchestrate doctor`
// does; `sample`: steal time and busy processes over half a second too.
os::MachineInfo collect_machine(const config::RunConfig& config, bool sample = true);

// A new run or a resume: refuses an output it cannot write before anything starts
// (os::StorageError: full, read-only, not writable), holds the run directory's lock throughout,
// and stops on a storage error mid-run with the advice to free space and --resume.
PipelineResult execute_pipeline(const PipelineRequest& request);

// Holds <run dir>/orchestrate.lock (flock) while it lives: one orchestrate writes a run
// directory at a time (a run, its --resume, report). Another holder: UserError with
// kExitLockHeld, naming it ("pid 123, orchestrate --resume ..., since ...").
os::FileLock lock_run_directory(const results::RunStore& store, const std::string& command_line);

// Non-zero once SIGINT/SIGTERM arrived during a pipeline (its handlers stay installed after
// it): what runs after the pipeline (diagnose's tiers 2 and 3) stops on it too.
const std::atomic<int>& stop_signal();
int run_pipeline(const PipelineRequest& request);

// Ingests a finished run into its history (manifest.history_file); never throws: a history
// problem is a warning, the run's own results are kept (`orchestrate history import` retries).
void ingest_into_history(const std::filesystem::path& run_dir, const results::Manifest& manifest,
                         const std::vector<results::ProcessRun>& runs);

// Pushes the local history to a fleet's shared store (history/push.h); never throws: a server
// that is down or refuses is one warning line, and the next push sends what is missing.
bool push_to_fleet(const std::filesystem::path& history_file, const std::string& url);

// Flags both commands accept, parsed into overrides; defined once here.
struct CommonFlags {
  std::optional<std::filesystem::path> config_file;
  config::Overrides overrides;
  bool dry_run = false;
  std::filesystem::path workloads_dir;
  std::string log_level = "info";
};

// A pipeline request from the shared flags: dry run, workloads folder, log level, and the
// command line as the manifest records it ("orchestrate script" + args).
PipelineRequest request_from_flags(const CommonFlags& flags, const std::string& program, const std::vector<std::string>& args);

// Loads the config (the given file, else configs/default.yaml of the source tree) and
// applies command-line overrides.
config::RunConfig load_with_overrides(const CommonFlags& flags);

std::string join_command_line(const std::string& program, const std::vector<std::string>& args);

}  // namespace ftbench::commands
