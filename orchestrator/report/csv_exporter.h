#pragma once
// results.csv in tidy form: one row per measurement, so `pandas.read_csv` gives a frame to
// group and pivot without reshaping. Columns (docs/reports.md):
//   run_id, interpreter, version, free_threaded_build, gil_enabled, benchmark, threads,
//   process_index, iteration, warmup, metric, value, unit, ops, status, thread, message
// metric: region_ns | thread_wall_ns | thread_cpu_ns | <counter name> | process (a failed
// process: status "failed", the reason in message). A counter that was not counted has an
// empty value and its status and reason: never a 0.

#include <string>
#include <vector>

#include "report/report_model.h"

namespace ftbench::report {

const std::vector<std::string>& csv_columns();
std::string csv_text(const ReportModel& model);
// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
std::string csv_field(const std::string& text);

}  // namespace ftbench::report
