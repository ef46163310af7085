#pragma once
// analysis.json: every statistic, comparison and scaling point of a run, for programs and for
// the dashboard (which embeds the same document). docs/reports.md lists the fields.

#include <string>

#include "analysis/compare.h"
#include "report/report_model.h"

namespace ftbench::report {

inline constexpr int kAnalysisSchemaVersion = 1;

struct AnalysisJsonOptions {
  bool pretty = true;
  bool include_values = false;  // the measured values of each cell (the dashboard's strip plots)
};

std::string analysis_json(const ReportModel& model, const AnalysisJsonOptions& options = {});

// `orchestrate compare --json`.
std::string run_comparison_json(const analysis::RunComparison& comparison);

}  // namespace ftbench::report
