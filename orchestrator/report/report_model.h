#pragma once
// Everything an exporter needs: the run as stored (manifest, process results) and its analysis.

#include <vector>

#include "analysis/analysis.h"
#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::report {

struct ReportModel {
  results::Manifest manifest;
  std::vector<results::ProcessRun> runs;
  analysis::RunAnalysis analysis;

  const analysis::Cells& cells() const { return analysis.cells; }
  const analysis::Comparisons& comparisons() const { return analysis.comparisons; }
  const analysis::MeasuredInterpreter& baseline() const { return analysis.cells.interpreters.at(analysis.cells.baseline); }
};

ReportModel build_model(results::Manifest manifest, std::vector<results::ProcessRun> runs);

}  // namespace ftbench::report
