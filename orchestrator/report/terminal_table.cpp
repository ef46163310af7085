#include "report/terminal_table.h"

#include "report/findings.h"
#include "report/tables.h"

namespace ftbench::report {
namespace {

void section(std::string& out, const std::string& title, const TextTable& table, const std::string& caption = "") {
  if (table.empty()) return;
  out += "\n" + title + "\n";
  if (!caption.empty()) out += caption + "\n";
  out += table.plain("  ");
}

}  // namespace

std::string summary_table(const ReportModel& model) {
  std::string out = run_headline(model) + "\n" + machine_line(model.manifest) + "\n";
  const auto findings = key_findings(model);
  if (!findings.empty()) {
    out += "\nKey findings\n";
    for (const auto& f : findings) out += "  * " + f + "\n";
  }
  section(out, "Time per operation", time_table(model), time_unit_caption(model));
  section(out, "Free-threaded build vs default build (same version)",
          pair_table(model, analysis::PairKind::free_threading),
          "ratio = time of the free-threaded build (GIL off) / default build; > 1: free-threading costs time");
  section(out, "The free-threaded binary with PYTHON_GIL=1 vs the same binary without",
          pair_table(model, analysis::PairKind::gil_switch), "ratio = time with the GIL / without");
  section(out, "Scaling: speedup over 1 thread (efficiency)", scaling_table(model),
          "strong: T(1)/T(N), efficiency = speedup/N; weak: N*T(1)/T(N), efficiency = T(1)/T(N); ideal = N and "
          "100%; n.s. = not different from 1 thread; ^ = more threads than usable CPUs");
  std::vector<analysis::GroupGeomean> all;  // per suite group: summary.md and the dashboard
  for (const auto& g : model.comparisons().geomeans)
    if (g.group == "all") all.push_back(g);
  section(out, "Geometric mean of time ratios over all benchmarks", geomean_table(all),
          "counts: benchmarks significantly faster / slower / not significant");
  out += "\n" + stability_summary(model) + "\n";
  for (const auto& n : model.cells().notes) out += "note: " + n + "\n";
  const auto& failures = model.cells().failures;
  if (!failures.empty()) {
    out += "\nFailed processes, excluded from every statistic: " + std::to_string(failures.size()) + "\n";
    size_t shown = 0;
    for (const auto& f : failures) {
      if (++shown > 10) {
        out += "  ... and " + std::to_string(failures.size() - 10) + " more (summary.md, dashboard.html)\n";
        break;
      }
      out += "  " + f.interpreter + " " + f.benchmark + " threads=" + std::to_string(f.threads) + " process " +
             std::to_string(f.process_index) + ": " + f.reason + "\n";
    }
  }
  return out;
}

std::string run_comparison_text(const analysis::RunComparison& comparison) {
  std::string out = "B = " + comparison.run_b + " vs A = " + comparison.run_a + "\n";
  out += "median time per operation; B / A > 1: B takes longer; Mann-Whitney U at 5%, (n.s.) = not significant\n";
  auto rows = run_comparison_rows(comparison);
  if (!rows.empty()) out += "\n" + rows.plain("  ");
  auto geo = geomean_table(comparison.geomeans, true);
  if (!geo.empty()) out += "\nGeometric mean of B / A\n" + geo.plain("  ");
  for (const auto& n : comparison.notes) out += "note: " + n + "\n";
  return out;
}

}  // namespace ftbench::report
