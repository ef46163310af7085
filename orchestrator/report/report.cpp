#include "report/report.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "os/files.h"
#include "report/exporter.h"
#include "report/index_page.h"
#include "report/terminal_table.h"
#include "util/error.h"
#include "util/strings.h"

namespace fs = std::filesystem;

namespace ftbench::report {

ReportOutcome write_reports(const ReportModel& model, const fs::path& run_dir,
                            const std::vector<config::OutputFormat>& formats,
                            const std::optional<fs::path>& results_root) {
  ReportOutcome outcome;
  // The results root's index.html is replaced by every run: what a session killed half way
  // through replacing it left behind goes here. (The run directory's own temporaries are
  // swept by the loader that --resume and `report` open it with, under the run's lock.)
  if (results_root) os::remove_stale_temporaries(*results_root, false);
  for (const auto& format : formats) {
    try {
      auto files = make_exporter(format)->write(model, run_dir);
      if (format == config::OutputFormat::html && !files.empty()) outcome.dashboard = files.front();
      outcome.written.insert(outcome.written.end(), files.begin(), files.end());
    } catch (const os::StorageError&) {
      throw;  // a full or read-only disk: the next format would fail the same way
    } catch (const std::exception& e) {
      // One format failing (no dashboard assets, a full disk) leaves the others written.
      outcome.errors.push_back(util::name_string(format) + ": " + e.what());
    }
  }
  if (results_root) {
    try {
      outcome.index = write_index(*results_root);
      outcome.written.push_back(*outcome.index);
    } catch (const os::StorageError&) {
      throw;
    } catch (const std::exception& e) {
      outcome.errors.push_back("index: " + std::string(e.what()));
    }
  }
  return outcome;
}

void report_finished_run(const fs::path& run_dir, const results::Manifest& manifest,
                         const std::vector<results::ProcessRun>& runs, std::FILE* out) {
  try {
    const auto formats = manifest.formats.empty() ? std::vector{config::OutputFormat::json} : manifest.formats;
    const auto model = build_model(manifest, runs);
    const auto outcome = write_reports(model, run_dir, formats, run_dir.parent_path());
    for (const auto& e : outcome.errors) spdlog::warn("report {}", e);
    if (!out) return;
    // Labels and failure reasons come from configs and children: no raw control characters.
    std::fputs(("\n" + util::printable(summary_table(model), true)).c_str(), out);
    if (outcome.dashboard) fmt::print(out, "\ndashboard: {}\n", outcome.dashboard->string());
    if (outcome.index) fmt::print(out, "all runs:  {}\n", outcome.index->string());
    std::fflush(out);
  } catch (const os::StorageError&) {
    throw;  // the run is not finished until its reports are written: --resume writes them
  } catch (const std::exception& e) {
    spdlog::warn("could not write the reports ({}); the results are saved: `orchestrate report {}` retries",
                 e.what(), run_dir.string());
  }
}

}  // namespace ftbench::report
