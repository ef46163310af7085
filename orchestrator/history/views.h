#pragma once
// Regressions and nights as people read them (the nightly report, `history regressions`,
// history.html): names instead of ids, the runs they happened in, the commit range.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "history/store.h"
#include "util/json.h"

namespace ftbench::history {

struct RegressionView {
  RegressionRecord record;
  std::string series;              // "3.13t scaling/parallel_compute t2 time_per_op"
  std::string series_key;
  std::string machine;             // the machine's description
  std::string detected_run;        // run id of the night it was found
  std::string detected_at;
  std::string first_bad_run;
  std::string run_dir;             // of the detected night (its dashboard is there)
  bool open() const;               // suspect, confirmed: still needs someone
};
void to_json(json::Writer& w, const RegressionView& v);

RegressionView view_of(HistoryStore& store, const RegressionRecord& record);
// Every regression, newest first; `open_only`: suspects and confirmed ones.
std::vector<RegressionView> regression_views(HistoryStore& store, bool open_only = false);

// One line: "#12 confirmed: 3.13t scaling/x t2 time_per_op 1.21x slower [1.15, 1.28], 3 nights,
// commits a1b2..c3d4 (first bad: 20261130-...)".
std::string describe(const RegressionView& v);

}  // namespace ftbench::history
