#include "analysis/analysis.h"

namespace ftbench::analysis {

RunAnalysis analyze(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs) {
  RunAnalysis a;
  a.cells = build_cells(manifest, runs);
  const auto& m = manifest.machine;
  a.usable_cpus = manifest.affinity.cpu_count(!m.usable_cpus.empty() ? m.usable_cpus.size()
                                                                      : static_cast<size_t>(m.logical_cpus));
  a.comparisons = compare_within_run(a.cells, a.usable_cpus);
  return a;
}

}  // namespace ftbench::analysis
