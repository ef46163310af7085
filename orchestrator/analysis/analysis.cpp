#include "analysis/analysis.h"

namespace ftbench::analysis {

RunAnalysis analyze(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs) {
  RunAnalysis a;
  a.cells = build_cells(manifest, runs);
  a.usable_cpus = manifest.usable_cpus();
  a.comparisons = compare_within_run(a.cells, a.usable_cpus);
  a.noise = measure_noise(a.cells);
  return a;
}

}  // namespace ftbench::analysis
