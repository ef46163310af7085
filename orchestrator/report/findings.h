#pragma once
// The few sentences a reader wants first: what free-threading costs on one thread, what it
// buys on many, which benchmarks scale and which collapse, how much is not significant.
// Shown at the top of the terminal summary, summary.md and the dashboard.

#include <string>
#include <vector>

#include "report/report_model.h"

namespace ftbench::report {

std::vector<std::string> key_findings(const ReportModel& model);

}  // namespace ftbench::report
