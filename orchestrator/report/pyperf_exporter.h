#pragma once
// pyperf-compatible JSON (format "1.0"), one file per interpreter under pyperf/, so pyperf's
// own `stats`, `hist`, `compare_to` and `metadata` work on our results:
//   pyperf compare_to pyperf/3.13.json pyperf/3.13t.json --table
// Mapping (docs/reports.md): one pyperf benchmark per (benchmark, threads), named
// "<benchmark>[threads=N]"; one pyperf run per interpreter process; values are seconds per
// operation with inner_loops = operations per iteration (so pyperf's raw values are our
// iteration times), or seconds per iteration where operations are unknown.

#include <string>
#include <vector>

#include "report/report_model.h"

namespace ftbench::report {

struct PyperfFile {
  std::string interpreter;  // label
  std::string file_name;    // "3.13t.json"
  std::string json;
};

// One document per interpreter with at least one measured value.
std::vector<PyperfFile> pyperf_documents(const ReportModel& model);

// The label as a file name (util::file_name_part: one component, at most 100 bytes), + ".json".
std::string pyperf_file_name(const std::string& label);

}  // namespace ftbench::report
