#pragma once
// Entry point of the analysis stage: a run's manifest and process results in, every
// statistic and comparison the reports show out.

#include <vector>

#include "analysis/cells.h"
#include "analysis/compare.h"
#include "analysis/noise.h"
#include "results/manifest.h"
#include "results/process_run.h"

namespace ftbench::analysis {

struct RunAnalysis {
  Cells cells;
  Comparisons comparisons;
  NoiseFloor noise;     // the machine's noise from this run's data, and the cells noisier than it
  int usable_cpus = 0;  // what the run could use: affinity list, else the machine's usable CPUs
};

RunAnalysis analyze(const results::Manifest& manifest, const std::vector<results::ProcessRun>& runs);

}  // namespace ftbench::analysis
