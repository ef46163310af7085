#pragma once
// The report stage: writes the configured formats into a run directory, the results-root
// index, and the terminal summary. Used by `orchestrate report` and at the end of every run.

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "report/report_model.h"

namespace ftbench::report {

struct ReportOutcome {
  std::vector<std::filesystem::path> written;
  std::vector<std::string> errors;                  // one line per format that failed, with what to do
  std::optional<std::filesystem::path> dashboard;   // dashboard.html when written
  std::optional<std::filesystem::path> index;       // the results root's index.html when written
};

// Writes every format in `formats` (one failing does not stop the others), then the index
// of `results_root` when given. A full or read-only disk stops it: os::StorageError.
ReportOutcome write_reports(const ReportModel& model, const std::filesystem::path& run_dir,
                            const std::vector<config::OutputFormat>& formats,
                            const std::optional<std::filesystem::path>& results_root);

// The end-of-run hook: analyses the finished run, writes the manifest's formats, regenerates
// the index of the parent directory, and prints the summary table and the dashboard's path
// to `out` (nullptr: print nothing). Throws only os::StorageError (a full or read-only disk:
// --resume writes them later); any other report problem must not turn a finished run into a failed one.
void report_finished_run(const std::filesystem::path& run_dir, const results::Manifest& manifest,
                         const std::vector<results::ProcessRun>& runs, std::FILE* out);

}  // namespace ftbench::report
