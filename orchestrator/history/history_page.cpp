#include "history/history_page.h"

#include <cmath>
#include <map>
#include <set>

#include "discovery/interpreter.h"
#include "history/fleet.h"
#include "history/views.h"
#include "os/clock.h"
#include "os/files.h"
#include "report/dashboard_assets.h"
#include "report/html_exporter.h"
#include "util/json.h"

namespace fs = std::filesystem;

namespace ftbench::history {
namespace {

// Five significant digits: a year of points stays a few megabytes, far below any interval.
double rounded(double v) {
  if (v == 0 || !std::isfinite(v)) return v;
  const double scale = std::pow(10.0, 4 - std::floor(std::log10(std::fabs(v))));
  return std::round(v * scale) / scale;
}

bool shown(const SeriesIdentity& id) { return id.kind != SeriesKind::cell || id.metric == "time_per_op"; }

}  // namespace

std::string history_page_data(HistoryStore& store, const fs::path& page_dir, const PageOptions& options) {
  // The window: each machine's Nth newest night (a regression found before it keeps its row in
  // the table, without points to mark).
  const auto all_nights = store.nights();
  std::map<int64_t, std::string> since;  // machine -> first night shown
  if (options.nights > 0) {
    std::map<int64_t, std::vector<std::string>> dates;
    for (const auto& n : all_nights) dates[n.machine_id].push_back(n.created_at);
    for (auto& [machine, d] : dates)
      if (d.size() > static_cast<size_t>(options.nights)) since[machine] = d[d.size() - static_cast<size_t>(options.nights)];
  }
  const auto regressions = regression_views(store);
  std::set<int64_t> regression_series;
  for (const auto& v : regressions) regression_series.insert(v.record.series_id);
  const auto in_window = [&](const NightRecord& n) {
    const auto it = since.find(n.machine_id);
    return it == since.end() || n.created_at >= it->second;
  };
  size_t nights_left_out = 0, series_left_out = 0;

  json::Writer w(json::Writer::Style::compact);
  w.start_object();
  w.field("schema", "ftbench-history-page/1");
  w.field("generated_at", os::utc_now_iso8601());

  w.key("machines");
  w.start_array();
  for (const auto& m : store.machines()) {
    w.start_object();
    w.field("id", m.id);
    w.field("fingerprint", m.fingerprint);
    w.field("description", m.description);
    w.end_object();
  }
  w.end_array();

  w.key("nights");
  w.start_array();
  for (const auto& n : all_nights) {
    if (!in_window(n)) {
      ++nights_left_out;
      continue;
    }
    w.start_object();
    w.field("id", n.id);
    w.field("machine", n.machine_id);
    w.field("run_id", n.run_id);
    w.field("created_at", n.created_at);
    w.field("config", n.config_name);
    w.field("excluded", n.excluded);
    w.field("reason", n.exclusion_reason);
    // A link only where the dashboard is still there (pruned nights keep their numbers).
    std::string link;
    std::error_code ec;
    const fs::path dashboard = fs::path(n.run_dir) / "dashboard.html";
    if (options.link_run_dirs && !n.pruned && !n.run_dir.empty() && fs::exists(dashboard, ec) && !ec) {
      const auto relative = fs::relative(dashboard, page_dir, ec);
      // An href (report::path_href): a run directory named "javascript:..." stays a path.
      link = report::path_href(ec || relative.empty() ? dashboard.string() : relative.generic_string());
    }
    w.field("dashboard", link);
    w.key("interpreters");
    w.start_object();
    for (const auto& i : store.night_interpreters(n.id)) {
      w.key(i.label);
      w.start_object();
      w.field("version", i.version);
      w.field("sha256", i.sha256.substr(0, 12));
      w.field("commit", discovery::short_commit(i.commit));
      w.end_object();
    }
    w.end_object();
    w.end_object();
  }
  w.end_array();

  // Points machine by machine, one statement each (a fleet holds thousands of series).
  std::map<int64_t, std::map<int64_t, std::vector<PointRecord>>> points_by_machine;
  for (const auto& m : store.machines()) {
    const auto window = since.find(m.id);
    points_by_machine[m.id] = store.points_of_machine(m.id, window == since.end() ? "" : window->second, "time_per_op");
  }

  w.key("series");
  w.start_array();
  for (const auto& s : store.series()) {
    if (!shown(s.identity)) continue;
    if (!options.all_cells && s.identity.kind == SeriesKind::cell && !regression_series.count(s.id)) {
      ++series_left_out;
      continue;
    }
    const auto& id = s.identity;
    w.start_object();
    w.field("id", s.id);
    w.field("machine", s.machine_id);
    w.field("kind", id.kind);
    w.field("name", id.name());
    w.field("interpreter", id.interpreter);
    w.field("reference", id.reference);
    w.field("benchmark", id.benchmark);
    w.field("threads", id.threads);
    w.field("metric", id.metric);
    w.field("unit", s.unit);
    // [night, value, low, high, processes]
    w.key("points");
    w.start_array();
    static const std::vector<PointRecord> kNone;
    const auto& machine_points = points_by_machine[s.machine_id];
    const auto found = machine_points.find(s.id);
    for (const auto& p : found == machine_points.end() ? kNone : found->second) {
      w.start_array();
      w.integer(p.night_id);
      w.number(rounded(p.value));
      w.number(rounded(p.low));
      w.number(rounded(p.high));
      w.integer(p.processes);
      w.end_array();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();

  w.key("change_points");
  w.start_array();
  for (const auto& c : store.change_points()) {
    w.start_object();
    w.field("series", c.series_id);
    w.field("night", c.night_id);
    w.field("ratio", rounded(c.ratio));
    w.field("p_value", c.p_value);
    w.end_object();
  }
  w.end_array();

  w.key("annotations");
  w.start_array();
  for (const auto& a : store.annotations()) {
    w.start_object();
    w.field("id", a.id);
    w.field("machine", a.machine_id);
    w.field("series_glob", a.series_glob);
    w.field("night", a.night_id);
    w.field("kind", a.kind);
    w.field("note", a.note);
    w.field("created_at", a.created_at);
    w.end_object();
  }
  w.end_array();

  w.key("fleet");
  to_json(w, fleet_view(store));

  w.key("regressions");
  w.start_array();
  for (const auto& v : regressions) {
    w.start_object();
    w.field("series_id", v.record.series_id);
    w.field("detected_night", v.record.detected_night_id);
    w.field("first_bad_night", v.record.first_bad_night_id.value_or(v.record.detected_night_id));
    w.key("view");
    to_json(w, v);
    w.end_object();
  }
  w.end_array();
  // What the page left out, so it can say so (`history show` prints any series in full).
  w.key("window");
  w.start_object();
  w.field("nights", options.nights);
  w.field("all_cells", options.all_cells);
  w.field("nights_left_out", static_cast<int64_t>(nights_left_out));
  w.field("series_left_out", static_cast<int64_t>(series_left_out));
  w.end_object();
  w.end_object();
  return w.str();
}

fs::path write_history_page(HistoryStore& store, const fs::path& file, const PageOptions& options) {
  const auto assets = report::load_dashboard_assets("history");
  const auto page_dir = fs::absolute(file).parent_path();
  const std::string data = history_page_data(store, page_dir, options);
  os::write_file_atomically(
      file, report::self_contained_page(assets, "ftbench history",
                                        "This page draws its charts with JavaScript. `orchestrate history regressions` "
                                        "and `orchestrate history show SERIES` print the same numbers as text.",
                                        data));
  return file;
}

}  // namespace ftbench::history
