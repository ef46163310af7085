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
  section(out, "Time per operation", time_table(model), time_unit_caption(model));
  section(out, "Free-threaded build vs default build (same version)",
          pair_table(model, analysis::PairKind::free_threading),
          "Ratio = time of the free-threaded build (GIL off) / the default build. Above 1: free-threading costs "
          "time at that thread count. 95% interval of the ratio and Mann-Whitney p-value.");
  section(out, "The free-threaded binary with PYTHON_GIL=1 vs without", pair_table(model, analysis::PairKind::gil_switch),
          "Ratio = time with the GIL switched back on / off: same binary, so the difference is the GIL alone.");
  section(out, "Scaling", scaling_table(model),
          "Speedup over one thread (efficiency). Strong scaling (fixed total work): speedup = T(1)/T(N), efficiency "
          "= speedup/N. Weak scaling (fixed work per thread): efficiency = T(1)/T(N), scaled speedup = N*T(1)/T(N). "
          "Ideal: speedup N, efficiency 100%. *n.s.*: not different from one thread. ^: more threads than usable "
          "CPUs.");
  section(out, "Geometric means by suite group", geomean_table(model.comparisons().geomeans),
          "Geometric mean of the time ratios over the group's benchmarks; counts of significant changes.");
  section(out, "Counters per operation", counter_table(model),
          "Median per operation (per iteration where operations are unknown) over iterations in which the counter "
          "was counted. A status instead of a number: the counter was not available (see below), not zero.");
  bullets(out, "Counter notes", counter_notes(model));
  section(out, "Failed processes (excluded from every statistic)", failure_table(model));
  out += "\n## Stability\n\n" + stability_summary(model) + "\n";
  const auto lines = stability_lines(model);
  if (!lines.empty()) {
    out += "\n<details><summary>Warnings per cell (pyperf's rules)</summary>\n\n";
    for (const auto& l : lines) out += "- " + l + "\n";
    out += "\n</details>\n";
  }
  bullets(out, "Notes", cells.notes);
  out += "\n---\nMedians with distribution-free 95% intervals; ratios with Hodges-Lehmann/Moses 95% intervals and "
         "Mann-Whitney U tests (alpha 0.05), no correction for multiple comparisons. Definitions: docs/reports.md.\n";
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
