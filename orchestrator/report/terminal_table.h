#pragma once
// What a finished run prints: the summary table (plain text, aligned, no colour: a
// non-significant difference must not look like a win or a loss), scaling, free-threading
// and GIL pairs, geometric means, stability and failures in one screen.

#include <string>

#include "analysis/compare.h"
#include "report/report_model.h"

namespace ftbench::report {

std::string summary_table(const ReportModel& model);

// `orchestrate compare RUN_A RUN_B` as text.
std::string run_comparison_text(const analysis::RunComparison& comparison);

}  // namespace ftbench::report
