#pragma once
// What a nightly job says: new confirmed regressions and improvements first (ratio with its
// interval, nights of evidence, the interpreter's commit range, the counters that moved with
// it), then suspects still open, free-threaded/GIL ratio shifts, change points no single night
// showed, and the machine's health. The same content as text (stdout, for cron's mail),
// nightly.md (for an e-mail or an issue) and nightly.json.

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "history/detect.h"
#include "history/preflight.h"
#include "history/views.h"

namespace ftbench::history {

struct RatioShiftView {
  std::string series;
  double ratio = 1;       // tonight's value / the segment's
  double tonight = 0;     // the value itself (a ratio or an efficiency)
  double q = 1;
};

struct ChangePointView {
  std::string series;
  std::string run_id;     // the first night after the change
  double ratio = 1;
  double p_value = 1;
};

// How the night ended, most important first: the job's exit status follows it.
enum class NightOutcome { unfit, regression, failures, clean };
inline constexpr util::EnumName<NightOutcome> kNightOutcomeNames[] = {{NightOutcome::unfit, "machine unfit"},
                                                                      {NightOutcome::regression, "new confirmed regression"},
                                                                      {NightOutcome::failures, "some processes failed"},
                                                                      {NightOutcome::clean, "clean"}};
constexpr std::span<const util::EnumName<NightOutcome>> enum_names(NightOutcome) { return kNightOutcomeNames; }

struct NightlyReport {
  std::string run_id;
  std::string run_dir;
  std::string created_at;
  std::string machine;
  std::string history_file;
  Preflight preflight;                // unfit: the night is stored but excluded (preflight.problems say why)
  std::optional<std::string> drift;   // the machine moved tonight (absorbed: series are judged relative to it)
  double machine_factor = 1;
  size_t series_tested = 0;
  size_t learning = 0;
  size_t nights_stored = 0;
  double machine_night_sd = 0;
  double confirm_seconds = 0;
  std::vector<RegressionView> new_regressions;    // confirmed tonight, slower
  std::vector<RegressionView> new_improvements;   // confirmed tonight, faster
  std::vector<RegressionView> open_suspects;      // not decided within the budget
  std::vector<RegressionView> cleared;            // suspects the re-measurement did not confirm
  std::vector<RegressionView> fixed;              // earlier regressions that came back tonight
  std::vector<RegressionView> still_open;         // confirmed on earlier nights, not acknowledged
  std::vector<RatioShiftView> ratio_shifts;
  std::vector<ChangePointView> silent_change_points;  // slow drifts no single night flagged
  std::vector<std::string> failures;              // processes that failed tonight
  NightOutcome outcome = NightOutcome::clean;
  std::string exit_reason;
  int exit_code = 0;              // set by the command from `outcome`
};

std::string render_text(const NightlyReport& report);
std::string render_markdown(const NightlyReport& report);
std::string render_json(const NightlyReport& report);

}  // namespace ftbench::history
