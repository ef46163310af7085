#include "history/nightly_report.h"

#include <fmt/format.h>

#include <cmath>

#include "report/presenter.h"
#include "util/strings.h"

namespace ftbench::history {
namespace {

// The sections in order, each a title and its lines; text and Markdown render the same list.
struct Section {
  std::string title;
  std::vector<std::string> lines;
};

std::string counters_line(const RegressionView& v) {
  const auto doc = json::parse(v.record.counters.empty() ? "[]" : v.record.counters);
  std::vector<std::string> counters;
  if (doc) json::read(*doc, counters);
  return counters.empty() ? "" : "moved with it: " + util::join(counters);
}

// "confirmed the same night: 12 processes tonight against the segment's 8 nights (p=0.0004)"
std::string confirmation_line(const RegressionView& v) {
  const auto doc = json::parse(v.record.confirmation);
  if (!doc) return "";
  const std::string how = json::get_or<std::string>(*doc, "how", "");
  const double p = json::get_or<double>(*doc, "p_value", 1.0);
  return how.empty() ? "" : "re-measured the same night: " + how + " (" + report::format_p_value(p) + ")";
}

std::vector<Section> sections(const NightlyReport& r) {
  std::vector<Section> out;
  auto regressions = [](const std::vector<RegressionView>& list, bool details) {
    std::vector<std::string> lines;
    for (const auto& v : list) {
      lines.push_back(describe(v));
      if (details) {
        if (const auto c = counters_line(v); !c.empty()) lines.push_back("    " + c);
        if (const auto c = confirmation_line(v); !c.empty()) lines.push_back("    " + c);
        lines.push_back("    acknowledge: orchestrate history ack " + std::to_string(v.record.id) + " --note \"...\"");
      }
    }
    return lines;
  };
  out.push_back({"New confirmed regressions", regressions(r.new_regressions, true)});
  out.push_back({"New confirmed improvements", regressions(r.new_improvements, false)});
  out.push_back({"Suspects still open (not decided within the confirmation budget)", regressions(r.open_suspects, false)});
  out.push_back({"Fixed (an earlier regression came back)", regressions(r.fixed, false)});
  std::vector<std::string> shifts;
  for (const auto& s : r.ratio_shifts)
    shifts.push_back(fmt::format("{}: {:.3f} tonight, {:+.1f}% against its segment (q={:.3g})", s.series, s.tonight,
                                 (s.ratio - 1) * 100, s.q));
  out.push_back({"Free-threaded/GIL ratio and scaling shifts", shifts});
  std::vector<std::string> drifts;
  for (const auto& c : r.silent_change_points)
    drifts.push_back(fmt::format("{}: {:+.1f}% from {} on (Welch p={:.2g})", c.series, (c.ratio - 1) * 100, c.run_id,
                                 c.p_value));
  out.push_back({"Change points no single night showed (slow drifts)", drifts});
  out.push_back({"Confirmed earlier, not acknowledged", regressions(r.still_open, false)});
  out.push_back({"Cleared by re-measurement", regressions(r.cleared, false)});
  std::vector<std::string> health;
  health.push_back(fmt::format("{}: load {:.2f} per CPU, noise probe {:.1f}%, governor {}, turbo {}, SMT {}",
                               r.preflight.fit() ? "fit" : "UNFIT", r.preflight.load_per_cpu,
                               r.preflight.probe_spread * 100, r.preflight.governor.value_or("n/a"),
                               r.preflight.turbo.value_or("n/a"), r.preflight.smt ? "on" : "off"));
  if (!r.preflight.fit())
    health.push_back("this night is stored but excluded from every comparison: " + util::join(r.preflight.problems, "; "));
  for (const auto& w : r.preflight.system_warnings) health.push_back("system check: " + w);
  if (r.drift) health.push_back("machine drift: " + *r.drift);
  else if (std::fabs(r.machine_factor - 1) >= 0.0005)  // shown to one decimal of a percent
    health.push_back(fmt::format("machine shift tonight: {:+.1f}% (absorbed: series are judged relative to it)",
                                 (r.machine_factor - 1) * 100));
  health.push_back(fmt::format("night-to-night spread beyond sampling: {:.1f}% (the detector's noise floor)",
                               r.machine_night_sd * 100));
  health.push_back(fmt::format("{} series judged, {} still learning (fewer than 3 nights), {} nights stored",
                               r.series_tested, r.learning, r.nights_stored));
  if (r.confirm_seconds > 0) health.push_back(fmt::format("re-measurement took {:.0f} s", r.confirm_seconds));
  for (const auto& f : r.failures) health.push_back("failed: " + f);
  out.push_back({"Machine health", health});
  return out;
}

}  // namespace

std::string render_text(const NightlyReport& r) {
  std::string out = fmt::format("Nightly {} on {}: {}\n", r.run_id, r.machine, r.exit_reason);
  for (const auto& s : sections(r)) {
    if (s.lines.empty()) continue;
    out += "\n" + s.title + "\n";
    for (const auto& l : s.lines) out += "  " + l + "\n";
  }
  out += "\nrun: " + r.run_dir + "\nhistory: " + r.history_file + "\n";
  return out;
}

std::string render_markdown(const NightlyReport& r) {
  std::string out = fmt::format("# Nightly {}\n\n**{}** — {} ({})\n", r.run_id, r.exit_reason, r.machine, r.created_at);
  for (const auto& s : sections(r)) {
    if (s.lines.empty()) continue;
    out += "\n## " + s.title + "\n\n";
    for (const auto& l : s.lines) out += (l.rfind("    ", 0) == 0 ? "  - " + l.substr(4) : "- " + l) + "\n";
  }
  out += "\nRun directory: `" + r.run_dir + "` (dashboard.html there); history: `" + r.history_file + "`.\n";
  return out;
}

std::string render_json(const NightlyReport& r) {
  json::Writer w;
  w.start_object();
  w.field("schema", "ftbench-nightly");
  w.field("schema_version", 1);
  w.field("run_id", r.run_id);
  w.field("run_dir", r.run_dir);
  w.field("created_at", r.created_at);
  w.field("machine", r.machine);
  w.field("history_file", r.history_file);
  w.field("outcome", r.outcome);
  w.field("exit_code", r.exit_code);
  w.field("exit_reason", r.exit_reason);
  w.key("preflight");
  r.preflight.write(w);
  w.field("excluded", !r.preflight.fit());
  w.field("drift", r.drift);
  w.field("machine_factor", r.machine_factor);
  w.field("series_tested", r.series_tested);
  w.field("learning", r.learning);
  w.field("machine_night_sd", r.machine_night_sd);
  w.field("confirm_seconds", r.confirm_seconds);
  w.field("new_regressions", r.new_regressions);
  w.field("new_improvements", r.new_improvements);
  w.field("open_suspects", r.open_suspects);
  w.field("fixed", r.fixed);
  w.field("still_open", r.still_open);
  w.field("cleared", r.cleared);
  w.key("ratio_shifts");
  w.start_array();
  for (const auto& s : r.ratio_shifts) {
    w.start_object();
    w.field("series", s.series);
    w.field("ratio", s.ratio);
    w.field("tonight", s.tonight);
    w.field("q", s.q);
    w.end_object();
  }
  w.end_array();
  w.key("silent_change_points");
  w.start_array();
  for (const auto& c : r.silent_change_points) {
    w.start_object();
    w.field("series", c.series);
    w.field("run_id", c.run_id);
    w.field("ratio", c.ratio);
    w.field("p_value", c.p_value);
    w.end_object();
  }
  w.end_array();
  w.field("failures", r.failures);
  w.end_object();
  return w.str() + "\n";
}

}  // namespace ftbench::history
