#include "report/exporter.h"
#include "report/tables.h"
#include "os/files.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

void section(std::string& out, const std::string& title, const TextTable& table, const std::string& caption = "") {
  if (table.empty()) return;
  out += "\n## " + title + "\n\n";
  if (!caption.empty()) out += caption + "\n\n";
  out += table.markdown();
}

void bullets(std::string& out, const std::string& title, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  out += "\n## " + title + "\n\n";
  for (const auto& l : lines) out += "- " + l + "\n";
}

std::string markdown(const ReportModel& model) {
  const auto& m = model.manifest;
  const auto& cells = model.cells();
  std::string out = "# ftbench run " + m.run_id + "\n\n";
  out += run_headline(model) + "\n\n";
  out += "- **Config**: " + m.config_name + (m.config_file.empty() ? "" : " (`" + m.config_file + "`)") + "\n";
  out += "- **Started**: " + m.created_at + (m.finished_at.empty() ? "" : ", finished " + m.finished_at) + "\n";
  out += "- **Machine**: " + machine_line(m) + "\n";
  out += "- **Tool**: orchestrate " + m.tool_version + " (" + m.git_revision + ")\n";
  out += "- **Repetitions**: " + std::to_string(m.plan.repetitions.warmups) + " warm-up + " +
         std::to_string(m.plan.repetitions.iterations) +
         " measured iterations per process, size " + m.plan.size + ", seed " + std::to_string(m.plan.seed) + "\n";

  TextTable interpreters({"label", "version", "build", "executable", "environment"});
  for (const auto& i : cells.interpreters) {
    std::string env;
    for (const auto& [k, v] : i.tested.env) env += (env.empty() ? "" : " ") + k + "=" + v;
    const auto& f = i.facts();
    interpreters.add_row({i.label() + (i.baseline() ? " (baseline)" : ""), f.short_name(), i.build_description(),
                          "`" + (f.executable.empty() ? f.path : f.executable).string() + "`", env});
  }
  section(out, "Interpreters", interpreters);
  for (const auto& sec : report_sections(model)) {
    if (sec.empty()) continue;
    out += "\n## " + sec.title + "\n\n";
    if (!sec.caption.empty()) out += sec.caption + "\n\n";
    if (!sec.table.empty()) out += sec.table.markdown();
    if (!sec.lines.empty()) out += "\n";
    for (const auto& line : sec.lines) out += "- " + line + "\n";
  }
  out += "\n## Stability\n\n" + describe_noise_floor(model.analysis.noise) + ".\n\n" + stability_summary(model) + "\n";
  const auto flagged = noise_lines(model);
  if (!flagged.empty()) out += "\nNoisier than the floor:\n\n";
  for (const auto& l : flagged) out += "- " + l + "\n";
  const auto advice = stability_advice(model);
  if (!advice.empty()) out += "\nWhat to do:\n\n";
  for (const auto& a : advice) out += "- " + a + "\n";
  const auto lines = stability_lines(model);
  if (!lines.empty()) {
    out += "\n<details><summary>pyperf's fixed rules, per cell (they ignore this machine's noise floor)</summary>\n\n";
    for (const auto& l : lines) out += "- " + l + "\n";
    out += "\n</details>\n";
  }
  bullets(out, "Notes", cells.notes);
  out += "\n---\nThe process is the unit: each process contributes the median of its iterations. Medians with "
         "distribution-free 95% intervals; ratios with Hodges-Lehmann/Moses 95% intervals and Mann-Whitney U tests "
         "(alpha 0.05) over processes, no correction for multiple comparisons. Definitions: docs/reports.md.\n";
  return out;
}

class MarkdownExporter final : public Exporter {
 public:
  config::OutputFormat format() const override { return config::OutputFormat::markdown; }
  std::vector<fs::path> write(const ReportModel& model, const fs::path& run_dir) const override {
    const auto path = run_dir / "summary.md";
    os::write_file_atomically(path, markdown(model));
    return {path};
  }
};

}  // namespace

std::unique_ptr<Exporter> make_markdown_exporter() { return std::make_unique<MarkdownExporter>(); }

}  // namespace ftbench::report
