#include "history/views.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/presenter.h"

namespace ftbench::history {

bool RegressionView::open() const {
  return record.state == RegressionState::suspect || record.state == RegressionState::confirmed;
}

RegressionView view_of(HistoryStore& store, const RegressionRecord& r) {
  RegressionView v;
  v.record = r;
  if (const auto s = store.series_by_id(r.series_id)) {
    v.series = s->identity.name();
    v.series_key = s->identity.key();
    for (const auto& m : store.machines())
      if (m.id == s->machine_id) v.machine = m.description;
  }
  if (const auto n = store.night(r.detected_night_id)) {
    v.detected_run = n->run_id;
    v.detected_at = n->created_at;
    v.run_dir = n->run_dir;
  }
  if (r.first_bad_night_id)
    if (const auto n = store.night(*r.first_bad_night_id)) v.first_bad_run = n->run_id;
  return v;
}

std::vector<RegressionView> regression_views(HistoryStore& store, bool open_only) {
  std::vector<RegressionView> out;
  for (const auto& r : store.regressions()) {
    auto v = view_of(store, r);
    if (!open_only || v.open()) out.push_back(std::move(v));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.detected_at != b.detected_at ? a.detected_at > b.detected_at : a.record.id > b.record.id;
  });
  return out;
}

std::string describe(const RegressionView& v) {
  const auto& r = v.record;
  analysis::RatioEstimate e;
  e.valid = true;
  e.significant = true;
  e.ratio = r.ratio;
  e.ci = {r.low, r.high, analysis::kConfidence};
  std::string out = fmt::format("#{} {}: {} {} {}", r.id, util::name(r.state), v.series,
                                report::describe_time_ratio(e), report::describe_time_ratio_interval(e));
  out += fmt::format(", {} night{} of evidence", r.nights_of_evidence, r.nights_of_evidence == 1 ? "" : "s");
  if (!r.commit_range.empty()) out += ", interpreter " + r.commit_range;
  if (!v.first_bad_run.empty() && v.first_bad_run != v.detected_run) out += ", first bad night " + v.first_bad_run;
  out += ", found " + v.detected_run;
  if (!r.note.empty()) out += " (" + r.note + ")";
  return out;
}

void to_json(json::Writer& w, const RegressionView& v) {
  const auto& r = v.record;
  w.start_object();
  w.field("id", r.id);
  w.field("state", r.state);
  w.field("direction", r.direction);
  w.field("series", v.series);
  w.field("series_key", v.series_key);
  w.field("machine", v.machine);
  w.field("ratio", r.ratio);
  w.field("low", r.low);
  w.field("high", r.high);
  w.field("p_value", r.p_value);
  w.field("q_value", r.q_value);
  w.field("nights_of_evidence", r.nights_of_evidence);
  w.field("commit_range", r.commit_range);
  w.field("detected_run", v.detected_run);
  w.field("detected_at", v.detected_at);
  w.field("first_bad_run", v.first_bad_run);
  w.field("run_dir", v.run_dir);
  w.key("counters");
  if (const auto doc = json::parse(r.counters.empty() ? "[]" : r.counters)) {
    std::vector<std::string> counters;
    json::read(*doc, counters);
    json::write(w, counters);
  } else {
    w.start_array();
    w.end_array();
  }
  w.field("confirmation", r.confirmation);
  w.field("note", r.note);
  w.field("updated_at", r.updated_at);
  w.key("display");
  w.start_object();
  w.field("line", describe(v));
  w.end_object();
  w.end_object();
}

}  // namespace ftbench::history
