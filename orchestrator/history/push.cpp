#include "history/push.h"

#include <fmt/format.h>

#include <map>
#include <optional>


namespace ftbench::history {

PushOutcome push_history(HistoryStore& from, HistoryStore& to, const std::function<void(const std::string&)>& progress) {
  PushOutcome out;
  auto& db = to.database();

  std::map<int64_t, int64_t> machine_of;  // local machine id -> remote
  std::map<int64_t, std::string> fingerprint_of;
  for (const auto& m : from.machines()) {
    Transaction t(db);
    machine_of[m.id] = to.ensure_machine(m);
    fingerprint_of[m.id] = m.fingerprint;
    t.commit();
  }

  std::map<int64_t, SeriesRecord> local_series;
  for (auto& s : from.series()) local_series.emplace(s.id, std::move(s));
  std::map<int64_t, int64_t> series_of;  // local series id -> remote, filled as nights need them
  const auto remote_series = [&](int64_t local_id) -> std::optional<int64_t> {
    if (auto it = series_of.find(local_id); it != series_of.end()) return it->second;
    const auto s = local_series.find(local_id);
    if (s == local_series.end()) return std::nullopt;
    SeriesRecord copy = s->second;
    copy.machine_id = machine_of.at(copy.machine_id);
    return series_of[local_id] = to.ensure_series(copy);
  };

  std::map<int64_t, int64_t> night_of;  // local night id -> remote
  for (const auto& [local_machine, remote_machine] : machine_of) {
    std::map<std::string, NightRecord> there;
    for (auto& n : to.nights(remote_machine)) there.emplace(n.run_id, std::move(n));
    for (const auto& n : from.nights(local_machine)) {
      if (auto it = there.find(n.run_id); it != there.end()) {
        const auto& r = it->second;
        if (night_host(r) != night_host(n)) {
          out.collisions.push_back(n.run_id);
          continue;
        }
        night_of[n.id] = r.id;
        ++out.nights_present;
        if (r.excluded != n.excluded || r.exclusion_reason != n.exclusion_reason || r.pruned != n.pruned ||
            r.machine_factor != n.machine_factor) {
          NightRecord changed = n;
          changed.id = r.id;
          to.update_night_state(changed);
          ++out.nights_updated;
        }
        continue;
      }
      // One transaction a night: a push cut off keeps what it finished.
      Transaction t(db);
      NightRecord copy = n;
      copy.machine_id = remote_machine;
      const auto id = to.insert_night(copy);
      if (!id) {  // another push got there first: this box's (nothing to do) or another host's
        t.commit();
        const auto there_now = to.night_by_run(n.run_id, remote_machine);
        if (there_now && night_host(*there_now) != night_host(n)) {
          out.collisions.push_back(n.run_id);
        } else if (there_now) {
          night_of[n.id] = there_now->id;
          ++out.nights_present;
        }
        continue;
      }
      for (const auto& i : from.night_interpreters(n.id)) to.add_night_interpreter(*id, i);
      auto points = from.night_points_of(n.id);
      std::vector<HistoryStore::NightPoint> copied;
      copied.reserve(points.size());
      for (auto& [series_id, p] : points) {
        const auto remote = remote_series(series_id);
        if (!remote) continue;
        p.night_id = *id;
        copied.push_back({*remote, std::move(p)});
      }
      to.insert_points(copied);
      t.commit();
      night_of[n.id] = *id;
      ++out.nights_pushed;
      out.points += copied.size();
      if (progress) progress(fmt::format("{}: {} series", n.run_id, copied.size()));
    }
  }

  // Regressions: every one, every time, so a state changed on the box (acknowledged, fixed)
  // reaches the fleet. One per (series, detected night) there too.
  {
    Transaction t(db);
    for (auto g : from.regressions()) {
      const auto series = remote_series(g.series_id);
      const auto night = night_of.find(g.detected_night_id);
      if (!series || night == night_of.end()) continue;  // its night collided: not ours to push
      g.series_id = *series;
      g.detected_night_id = night->second;
      if (g.first_bad_night_id) {
        const auto first = night_of.find(*g.first_bad_night_id);
        g.first_bad_night_id = first == night_of.end() ? std::nullopt : std::optional(first->second);
      }
      to.add_regression(g, true);
      ++out.regressions;
    }
    t.commit();
  }

  // Change points: the box recomputes them, so its set replaces the fleet's, machine by machine.
  {
    Transaction t(db);
    std::map<int64_t, std::vector<ChangePoint>> by_machine;
    for (const auto& [local_machine, remote_machine] : machine_of) by_machine[remote_machine];
    for (auto c : from.change_points()) {
      const auto s = local_series.find(c.series_id);
      const auto series = remote_series(c.series_id);
      const auto night = night_of.find(c.night_id);
      if (s == local_series.end() || !series || night == night_of.end()) continue;
      c.series_id = *series;
      c.night_id = night->second;
      by_machine[machine_of.at(s->second.machine_id)].push_back(c);
      ++out.change_points;
    }
    // Two pushes of one machine at once: the second waits, then replaces (never a duplicate key).
    for (const auto& [machine, points] : by_machine) {
      db.lock(machine_lock_key(machine));
      to.replace_machine_change_points(machine, points);
    }
    t.commit();
  }

  // Annotations: known by where they came from, so a second push finds them. One for "every
  // machine" on the box means the machine of its night in the fleet, never the whole fleet.
  {
    Transaction t(db);
    std::map<int64_t, NightRecord> local_nights;
    for (auto& n : from.nights()) local_nights.emplace(n.id, std::move(n));
    for (auto a : from.annotations()) {
      const auto night = night_of.find(a.night_id);
      const auto local = local_nights.find(a.night_id);
      if (night == night_of.end() || local == local_nights.end()) continue;
      const auto& fingerprint = fingerprint_of.at(local->second.machine_id);
      const auto origin = fmt::format("{}/{}/{}", fingerprint, local->second.run_id, a.id);
      a.machine_id = machine_of.at(local->second.machine_id);
      a.night_id = night->second;
      to.put_annotation(a, origin);
      ++out.annotations;
    }
    t.commit();
  }
  return out;
}

}  // namespace ftbench::history
