#include "history/fleet.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

namespace ftbench::history {
namespace {

constexpr size_t kDriftNights = 14;

// "hitm_per_op" -> "hitm", "context-switches_per_op" -> "context-switches"; time and CPU per op are measured everywhere, not counters.
std::optional<std::string> counter_of(const SeriesIdentity& id) {
  if (id.kind != SeriesKind::cell || id.metric == "time_per_op" || id.metric == "cpu_per_op") return std::nullopt;
  const std::string suffix = "_per_op";
  const auto& m = id.metric;
  if (m.size() > suffix.size() && m.compare(m.size() - suffix.size(), suffix.size(), suffix) == 0)
    return m.substr(0, m.size() - suffix.size());
  return m;
}

}  // namespace

FleetView fleet_view(HistoryStore& store) {
  FleetView view;
  std::map<int64_t, size_t> index;
  for (const auto& m : store.machines()) {
    index[m.id] = view.machines.size();
    FleetMachine f;
    f.id = m.id;
    f.fingerprint = m.fingerprint;
    f.description = m.description;
    view.machines.push_back(std::move(f));
  }

  std::map<int64_t, std::vector<double>> factors;
  std::map<int64_t, std::set<std::string>> hosts;
  for (const auto& n : store.nights()) {  // oldest first
    auto it = index.find(n.machine_id);
    if (it == index.end()) continue;
    auto& f = view.machines[it->second];
    ++f.nights;
    if (n.excluded) ++f.excluded;
    f.last_night = n.created_at;
    f.last_run = n.run_id;
    f.last_excluded = n.excluded;
    f.last_exclusion_reason = n.exclusion_reason;
    f.last_factor = n.machine_factor;
    factors[n.machine_id].push_back(n.machine_factor);
    if (const auto host = night_host(n); !host.empty()) hosts[n.machine_id].insert(host);
    if (const auto doc = json::parse(n.machine_state); doc && doc->IsObject()) {
      f.logical_cpus = json::get_or<int>(*doc, "logical_cpus", f.logical_cpus);
      bool smt = false;
      f.smt = json::get(*doc, "smt", smt) ? std::optional(smt) : std::nullopt;
    }
  }
  for (auto& f : view.machines) {
    const auto& all = factors[f.id];
    for (size_t i = all.size() > kDriftNights ? all.size() - kDriftNights : 0; i < all.size(); ++i)
      f.drift = std::max(f.drift, std::fabs(all[i] - 1));
    f.hosts.assign(hosts[f.id].begin(), hosts[f.id].end());
  }

  std::map<int64_t, SeriesRecord> series;
  std::map<int64_t, std::set<std::string>> counters;
  for (auto& s : store.series()) {
    if (const auto c = counter_of(s.identity)) counters[s.machine_id].insert(*c);
    series.emplace(s.id, std::move(s));
  }
  for (auto& f : view.machines) f.counters.assign(counters[f.id].begin(), counters[f.id].end());

  for (const auto& r : store.regressions()) {
    if (r.state != RegressionState::suspect && r.state != RegressionState::confirmed) continue;
    const auto s = series.find(r.series_id);
    if (s == series.end()) continue;
    if (auto it = index.find(s->second.machine_id); it != index.end()) ++view.machines[it->second].open_regressions;
  }

  using Key = std::tuple<std::string, int, int, std::string, std::string>;  // benchmark, kind, threads, labels
  std::map<Key, FleetRow> rows;
  for (const auto kind : {SeriesKind::free_threading, SeriesKind::scaling}) {
    const auto points = store.newest_night_points(kind);
    // Each machine's most threads per (benchmark, labels): that point goes to the row of 0.
    using Group = std::tuple<int64_t, std::string, std::string, std::string>;
    std::map<Group, int> most;
    for (const auto& [series_id, point] : points)
      if (const auto s = series.find(series_id); s != series.end()) {
        const auto& id = s->second.identity;
        auto& m = most[{s->second.machine_id, id.benchmark, id.interpreter, id.reference}];
        m = std::max(m, id.threads);
      }
    for (const auto& [series_id, point] : points) {
      const auto s = series.find(series_id);
      if (s == series.end()) continue;
      const auto& id = s->second.identity;
      const int top = most[{s->second.machine_id, id.benchmark, id.interpreter, id.reference}];
      const int slot = id.threads > 1 && id.threads == top ? 0 : id.threads;
      auto& row = rows[{id.benchmark, static_cast<int>(kind), slot == 0 ? 1 << 30 : slot, id.interpreter, id.reference}];
      row.kind = kind;
      row.benchmark = id.benchmark;
      row.threads = slot;
      row.interpreter = id.interpreter;
      row.reference = id.reference;
      row.values.push_back(
          {s->second.machine_id, id.threads, point.value, point.low, point.high, point.run_id, point.created_at});
    }
  }
  for (auto& [key, row] : rows) {
    std::sort(row.values.begin(), row.values.end(), [](const auto& a, const auto& b) { return a.machine < b.machine; });
    view.rows.push_back(std::move(row));
  }
  return view;
}

void to_json(json::Writer& w, const FleetView& v) {
  w.start_object();
  // Said where the numbers are: these compare machines, which detection never does.
  w.field("label", "across machines: different hardware, so compare shapes, not a regression test");
  w.key("machines");
  w.start_array();
  for (const auto& m : v.machines) {
    w.start_object();
    w.field("id", m.id);
    w.field("fingerprint", m.fingerprint);
    w.field("description", m.description);
    w.field("hosts", m.hosts);
    w.field("logical_cpus", m.logical_cpus);
    w.key("smt");
    if (m.smt) w.boolean(*m.smt);
    else w.null();
    w.field("counters", m.counters);
    w.field("nights", static_cast<int64_t>(m.nights));
    w.field("excluded", static_cast<int64_t>(m.excluded));
    w.field("last_night", m.last_night);
    w.field("last_run", m.last_run);
    w.field("last_excluded", m.last_excluded);
    w.field("last_exclusion_reason", m.last_exclusion_reason);
    w.field("last_factor", m.last_factor);
    w.field("drift", m.drift);
    w.field("open_regressions", static_cast<int64_t>(m.open_regressions));
    w.end_object();
  }
  w.end_array();
  w.key("rows");
  w.start_array();
  for (const auto& r : v.rows) {
    w.start_object();
    w.field("kind", r.kind);
    w.field("benchmark", r.benchmark);
    w.field("threads", r.threads);
    w.field("interpreter", r.interpreter);
    w.field("reference", r.reference);
    w.key("values");
    w.start_array();
    for (const auto& x : r.values) {
      w.start_object();
      w.field("machine", x.machine);
      w.field("threads", x.threads);
      w.field("value", x.value);
      w.field("low", x.low);
      w.field("high", x.high);
      w.field("run_id", x.run_id);
      w.field("created_at", x.created_at);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.end_object();
}

}  // namespace ftbench::history
