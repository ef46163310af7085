#include "report/terminal_table.h"

#include "report/findings.h"
#include "report/tables.h"

namespace ftbench::report {
std::string summary_table(const ReportModel& model) {
  std::string out = run_headline(model) + "\n" + machine_line(model.manifest) + "\n";
  const auto findings = key_findings(model);
  if (!findings.empty()) {
    out += "\nKey findings\n";
    for (const auto& f : findings) out += "  * " + f + "\n";
  }
  for (const auto& sec : report_sections(model)) {
    if (sec.detailed_only || sec.empty()) continue;
    out += "\n" + sec.title + "\n";
    if (!sec.caption.empty()) out += sec.caption + "\n";
    if (!sec.table.empty()) out += sec.table.plain("  ");
    for (const auto& line : sec.lines) out += "  note: " + line + "\n";
  }
  out += "\n" + describe_noise_floor(model.analysis.noise) + "\n" + stability_summary(model) + "\n";
  const auto flagged = noise_lines(model);
  for (size_t i = 0; i < flagged.size() && i < 10; ++i) out += "  ! " + flagged[i] + "\n";
  if (flagged.size() > 10) out += "  ... and " + std::to_string(flagged.size() - 10) + " more (summary.md, dashboard.html)\n";
  for (const auto& a : stability_advice(model)) out += "  to do: " + a + "\n";
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
