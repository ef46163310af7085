#include "analysis/analysis.h"

namespace ftbench::analysis {

RunAnalysis analyze(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs) {
  RunAnalysis a;
  a.cells = build_cells(manifest, runs);
  const auto& m = manifest.machine;
  if (manifest.affinity == "list" && !manifest.affinity_cpus.empty())
    a.usable_cpus = static_cast<int>(manifest.affinity_cpus.size());
  else if (!m.usable_cpus.empty())
    a.usable_cpus = static_cast<int>(m.usable_cpus.size());
  else
    a.usable_cpus = m.logical_cpus;
  a.comparisons = compare_within_run(a.cells, a.usable_cpus);
  return a;
}

}  // namespace ftbench::analysis
