#include "report/report_model.h"

namespace ftbench::report {

ReportModel build_model(results::Manifest manifest, std::vector<results::ProcessRun> runs) {
  ReportModel model;
  model.analysis = analysis::analyze(manifest, runs);
  model.manifest = std::move(manifest);
  model.runs = std::move(runs);
  return model;
}

}  // namespace ftbench::report
