#include "report/run_compare.h"

#include <spdlog/spdlog.h>

#include "analysis/cells.h"
#include "report/tables.h"
#include "results/run_store.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

struct AnalysedRun {
  results::Manifest manifest;
  analysis::Cells cells;
};

AnalysedRun load(const fs::path& dir) {
  auto loaded = results::load_run_directory(dir);
  for (const auto& p : loaded.problems) spdlog::warn("{}", p);
  return {loaded.manifest, analysis::build_cells(loaded.manifest, loaded.runs)};
}

}  // namespace

analysis::RunComparison compare_run_dirs(const fs::path& run_a, const fs::path& run_b) {
  const auto a = load(run_a);
  const auto b = load(run_b);
  auto cmp = analysis::compare_runs(a.manifest.run_id, a.cells, b.manifest.run_id, b.cells);
  const auto& ma = a.manifest.machine;
  const auto& mb = b.manifest.machine;
  if (ma.hostname != mb.hostname || ma.cpu_model != mb.cpu_model)
    cmp.notes.push_back("different machines (" + ma.hostname + ", " + ma.cpu_model + " vs " + mb.hostname + ", " +
                        mb.cpu_model + "): differences include the hardware");
  else if (ma.kernel_release != mb.kernel_release)
    cmp.notes.push_back("kernel changed: " + ma.kernel_release + " -> " + mb.kernel_release);
  if (a.manifest.plan.size != b.manifest.plan.size)
    cmp.notes.push_back("problem size differs (" + a.manifest.plan.size + " vs " + b.manifest.plan.size +
                        "): compared per operation");
  return cmp;
}

std::string run_comparison_markdown(const analysis::RunComparison& comparison) {
  std::string out = "## " + comparison.run_b + " vs " + comparison.run_a + "\n\n";
  out += "Median time per operation, B / A: above 1 means B takes longer. Mann-Whitney U at 5%; *(n.s.)* = not "
         "significant.\n\n";
  out += run_comparison_rows(comparison).markdown();
  auto geo = geomean_table(comparison.geomeans, true);
  if (!geo.empty()) out += "\n### Geometric mean of B / A\n\n" + geo.markdown();
  if (!comparison.notes.empty()) {
    out += "\n";
    for (const auto& n : comparison.notes) out += "- " + n + "\n";
  }
  return out;
}

}  // namespace ftbench::report
