#pragma once
// One interface for every output format, one file per format (like hyperfine's export/):
//   json      results.json (manifest + runs) and analysis.json (every statistic)   json_exporter.cpp
//   csv       results.csv: one row per measurement, tidy                          csv_exporter.cpp
//   markdown  summary.md for GitHub                                               markdown_exporter.cpp
//   html      dashboard.html: self-contained, charts inlined                      html_exporter.cpp
//   pyperf    pyperf/<interpreter>.json, readable by pyperf stats/compare_to/hist  pyperf_exporter.cpp

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "report/report_model.h"

namespace ftbench::report {

class Exporter {
 public:
  virtual ~Exporter() = default;
  virtual config::OutputFormat format() const = 0;
  // Writes this format's files into run_dir (each atomically) and returns their paths.
  // Throws UserError when the format cannot be produced (e.g. missing dashboard assets).
  virtual std::vector<std::filesystem::path> write(const ReportModel& model,
                                                   const std::filesystem::path& run_dir) const = 0;
};

// The exporter of each config::OutputFormat.
std::unique_ptr<Exporter> make_exporter(config::OutputFormat format);

std::unique_ptr<Exporter> make_json_exporter();
std::unique_ptr<Exporter> make_csv_exporter();
std::unique_ptr<Exporter> make_markdown_exporter();
std::unique_ptr<Exporter> make_html_exporter();
std::unique_ptr<Exporter> make_pyperf_exporter();

}  // namespace ftbench::report
