#include "history/nightly.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "analysis/statistics.h"
#include "discovery/interpreter.h"
#include "util/json.h"
#include "util/strings.h"

namespace ftbench::history {
namespace {

std::string short_sha(const std::string& sha) { return sha.substr(0, 12); }

std::string commit_range(const ConfirmationTarget& t) {
  if (!t.previous_commit.empty() && !t.commit.empty() && t.previous_commit != t.commit)
    return discovery::short_commit(t.previous_commit) + ".." + discovery::short_commit(t.commit);
  if (!t.previous_sha256.empty() && !t.sha256.empty() && t.previous_sha256 != t.sha256)
    return "binary " + short_sha(t.previous_sha256) + ".." + short_sha(t.sha256);
  return "";
}

// The other metrics of a cell that moved with its time (CPU per op, counters per op).
std::string moved_counters(HistoryStore& store, const SeriesRecord& cell, int64_t night_id, double min_effect,
                           int max_nights) {
  std::vector<std::string> moved;
  for (const auto& s : store.series(cell.machine_id)) {
    const auto& a = s.identity;
    const auto& b = cell.identity;
    if (s.id == cell.id || a.kind != SeriesKind::cell || a.interpreter != b.interpreter ||
        a.interpreter_identity != b.interpreter_identity || a.benchmark != b.benchmark || a.code_hash != b.code_hash ||
        a.size != b.size || a.threads != b.threads)
      continue;
    const auto points = store.points(s.id);
    const auto segment = segment_before(store, s, points, night_id, max_nights);
    std::vector<double> reference;
    for (const auto& p : segment) reference.insert(reference.end(), p.units.begin(), p.units.end());
    for (const auto& p : points)
      if (p.night_id == night_id) {
        const auto r = analysis::compare_samples(reference, p.units);
        if (r.valid && r.test.p_value < 0.05 && std::fabs(std::log(r.ratio)) >= std::log1p(min_effect))
          moved.push_back(fmt::format("{} {:.2f}x", a.metric, r.ratio));
      }
  }
  json::Writer w(json::Writer::Style::compact);
  json::write(w, moved);
  return w.str();
}

std::string judgement_json(const Judgement& j, ConfirmMode mode, int rounds) {
  json::Writer w(json::Writer::Style::compact);
  w.start_object();
  w.field("mode", mode);
  w.field("verdict", j.verdict);
  w.field("ratio", j.ratio);
  w.field("low", j.ci.low);
  w.field("high", j.ci.high);
  w.field("p_value", j.p);
  w.field("processes", j.processes);
  w.field("rounds", rounds);
  w.field("how", j.how);
  w.end_object();
  return w.str();
}

}  // namespace

NightlySettings nightly_settings(const config::History& h) {
  NightlySettings s;
  s.detection.fdr = h.fdr;
  s.detection.min_effect = h.min_effect;
  s.detection.noise_multiplier = h.noise_multiplier;
  s.detection.drift_threshold = h.drift_threshold;
  s.change_points.min_effect = h.min_effect;
  s.confirm_budget = h.confirm_budget;
  return s;
}

void update_change_points(HistoryStore& store, int64_t machine_id, const ChangePointSettings& settings) {
  Transaction t(store.database());
  for (const auto& s : store.series(machine_id)) {
    if (s.identity.kind == SeriesKind::cell && s.identity.metric != "time_per_op") continue;
    std::vector<double> logs;
    std::vector<int64_t> nights;
    // Cells on the machine's usual scale: a drifting machine is not a change in every series.
    const bool cell = s.identity.kind == SeriesKind::cell;
    for (const auto& p : store.points(s.id, false))
      if (!p.excluded && p.value > 0) {
        logs.push_back(std::log(p.value / (cell && p.machine_factor > 0 ? p.machine_factor : 1.0)));
        nights.push_back(p.night_id);
      }
    std::vector<ChangePoint> found;
    for (const auto& split : find_change_points(logs, settings))
      found.push_back({s.id, nights[split.index], split.ratio, split.p_value});
    store.replace_change_points(s.id, found);
  }
  t.commit();
}

NightlyReport process_night(HistoryStore& store, const NightInput& in, const NightlySettings& settings,
                            const ConfirmationRunner& runner) {
  NightlyReport report;
  report.run_id = in.manifest.run_id;
  report.run_dir = in.run_dir.string();
  report.created_at = in.manifest.created_at;
  report.machine = machine_description(in.manifest.machine);
  report.history_file = in.history_file;
  report.preflight = in.preflight;
  for (const auto& r : in.runs)
    if (r.status == results::RunStatus::failed) report.failures.push_back(r.item_id + ": " + r.failure);

  const bool unfit = !in.preflight.fit();
  const auto ingested = store.ingest(in.manifest, in.runs,
                                     {in.run_dir, in.preflight.to_json(), unfit, util::join(in.preflight.problems, "; ")});
  const auto night = *store.night(ingested.night_id);
  report.nights_stored = store.nights(night.machine_id).size();

  // Regressions confirmed on earlier nights that nobody has acknowledged yet.
  const auto earlier = store.regressions(RegressionState::confirmed);

  NightDetection detection;
  if (!unfit) {
    detection = detect_night(store, night.id, settings.detection);
    report.series_tested = detection.tested.size();
    report.learning = detection.learning;
    report.machine_night_sd = detection.machine_night_sd;
    report.machine_factor = detection.machine_factor;
    store.set_machine_factor(night.id, detection.machine_factor);
    report.drift = detection.drift;
  }

  std::vector<std::pair<ConfirmationTarget, Judgement>> decided;
  if (!unfit) {
    // Same-night re-measurement of the suspects: doubling rounds within the budget.
    auto targets = plan_confirmation(store, detection, in.manifest, settings.detection);
    std::vector<std::vector<double>> previous(targets.size()), tonight(targets.size());
    std::vector<Judgement> judgements(targets.size());
    std::vector<bool> open(targets.size(), true);
    const double budget = settings.confirm_budget * in.run_seconds;
    double spent = 0;
    int round = 0;
    // Seconds one process of a cell took tonight, to size rounds to the budget.
    double process_seconds = 1;
    if (!in.runs.empty()) {
      double sum = 0;
      for (const auto& r : in.runs) sum += r.duration_s;
      process_seconds = std::max(0.05, sum / static_cast<double>(in.runs.size()));
    }
    while (std::find(open.begin(), open.end(), true) != open.end() && spent < budget) {
      ++round;
      std::map<std::string, ConfirmationBatch> batches;  // one batch per mode and interpreter
      std::map<std::string, std::vector<size_t>> members;
      for (size_t k = 0; k < targets.size(); ++k) {
        if (!open[k]) continue;
        const auto& t = targets[k];
        const std::string key = util::name_string(t.mode) + "|" + t.label;
        auto& b = batches[key];
        if (b.interpreters.empty()) {
          if (t.mode == ConfirmMode::previous_binary)
            b.interpreters.push_back({t.label + "@" + short_sha(t.previous_sha256), t.previous_executable, t.env});
          b.interpreters.push_back({t.label, t.executable, t.env});
          b.processes = std::max(2, t.tonight_processes << (round - 1));
        }
        if (std::find(b.benchmarks.begin(), b.benchmarks.end(), t.suspect.identity.benchmark) == b.benchmarks.end())
          b.benchmarks.push_back(t.suspect.identity.benchmark);
        if (std::find(b.threads.begin(), b.threads.end(), t.suspect.identity.threads) == b.threads.end())
          b.threads.push_back(t.suspect.identity.threads);
        members[key].push_back(k);
      }
      bool ran = false;
      for (auto& [key, batch] : batches) {
        // Shrink the round to what the budget still allows (at least two processes a cell).
        const double cells = static_cast<double>(batch.interpreters.size() * batch.benchmarks.size() * batch.threads.size());
        const double affordable = (budget - spent) / (process_seconds * std::max(1.0, cells));
        if (affordable < 2) continue;
        batch.processes = std::min(batch.processes, static_cast<int>(affordable));
        const auto result = runner(batch);
        spent += result.seconds;
        ran = true;
        for (size_t k : members[key]) {
          const auto& t = targets[k];
          const auto& id = t.suspect.identity;
          auto get = [&](const std::string& label) {
            const auto it = result.units.find({label, id.benchmark, id.threads});
            return it == result.units.end() ? std::vector<double>{} : it->second;
          };
          const auto now_units = get(t.label);
          tonight[k].insert(tonight[k].end(), now_units.begin(), now_units.end());
          if (t.mode == ConfirmMode::previous_binary) {
            const auto old_units = get(t.label + "@" + short_sha(t.previous_sha256));
            previous[k].insert(previous[k].end(), old_units.begin(), old_units.end());
          }
          judgements[k] = judge(t, previous[k], tonight[k], detection.machine_night_sd * detection.machine_night_sd,
                                settings.detection);
          open[k] = judgements[k].verdict == Verdict::undecided;
        }
      }
      if (!ran) break;
    }
    report.confirm_seconds = spent;
    for (size_t k = 0; k < targets.size(); ++k) decided.emplace_back(targets[k], judgements[k]);
  }

  update_change_points(store, night.machine_id, settings.change_points);

  std::vector<int64_t> new_ids;
  for (auto& [t, j] : decided) {
    const auto& e = t.suspect;
    RegressionRecord g;
    g.series_id = e.series_id;
    g.detected_night_id = night.id;
    g.direction = e.direction;
    g.state = j.verdict == Verdict::confirmed ? RegressionState::confirmed
              : j.verdict == Verdict::cleared ? RegressionState::cleared
                                              : RegressionState::suspect;
    // The night's own evidence, or the re-measurement's when there was one.
    g.ratio = j.processes ? j.ratio : e.ratio;
    g.low = j.processes ? j.ci.low : e.ci.low;
    g.high = j.processes ? j.ci.high : e.ci.high;
    g.p_value = e.p;
    g.q_value = e.q;
    g.commit_range = commit_range(t);
    g.confirmation = j.processes ? judgement_json(j, t.mode, 1) : "";
    g.first_bad_night_id = night.id;
    g.nights_of_evidence = 1;
    if (g.state == RegressionState::confirmed) {
      const auto series = store.series_by_id(e.series_id);
      if (series) g.counters = moved_counters(store, *series, night.id, e.min_effect, settings.detection.max_segment_nights);
      // The first bad night: a change point in this series, the same way, at or before tonight
      // and after the segment began.
      const auto points = store.points(e.series_id, false);
      std::set<int64_t> segment_nights(e.segment_nights.begin(), e.segment_nights.end());
      for (const auto& c : store.change_points(e.series_id)) {
        const bool same_way = (c.ratio > 1) == (e.direction == Direction::slower);
        if (!same_way) continue;
        for (size_t i = 0; i < points.size(); ++i)
          if (points[i].night_id == c.night_id && points[i].created_at <= night.created_at &&
              points[i].created_at > (points.empty() ? "" : points.front().created_at)) {
            if (!g.first_bad_night_id || points[i].created_at >= store.night(*g.first_bad_night_id)->created_at ||
                g.first_bad_night_id == night.id) {
              g.first_bad_night_id = c.night_id;
              g.nights_of_evidence = 0;
              for (const auto& p : points)
                if (p.created_at >= points[i].created_at && p.created_at <= night.created_at && !p.excluded)
                  ++g.nights_of_evidence;
            }
          }
      }
    }
    g.id = store.add_regression(g);
    new_ids.push_back(g.id);
    auto v = view_of(store, g);
    if (g.state == RegressionState::confirmed && g.direction == Direction::slower) report.new_regressions.push_back(v);
    else if (g.state == RegressionState::confirmed) report.new_improvements.push_back(v);
    else if (g.state == RegressionState::suspect) report.open_suspects.push_back(v);
    else report.cleared.push_back(v);
  }

  // A confirmed improvement that undoes an open regression of the same series: fixed.
  for (const auto& imp : report.new_improvements)
    for (auto r : store.regressions())
      if (r.series_id == imp.record.series_id && r.direction == Direction::slower &&
          (r.state == RegressionState::confirmed || r.state == RegressionState::acknowledged)) {
        r.state = RegressionState::fixed;
        r.note = (r.note.empty() ? "" : r.note + "; ") + "fixed by #" + std::to_string(imp.record.id) + " (" +
                 report.run_id + ")";
        store.update_regression(r);
        report.fixed.push_back(view_of(store, r));
      }
  for (const auto& r : earlier)
    if (std::find(new_ids.begin(), new_ids.end(), r.id) == new_ids.end())
      if (const auto now = store.regression(r.id); now && now->state == RegressionState::confirmed)
        report.still_open.push_back(view_of(store, *now));

  for (const auto& e : detection.ratio_shifts) {
    double tonight_value = 0;
    for (const auto& p : store.points(e.series_id, false))
      if (p.night_id == night.id) tonight_value = p.value;
    report.ratio_shifts.push_back({e.identity.name(), e.ratio, tonight_value, e.q});
  }

  // Change points in the last 30 nights no regression explains: drifts too slow for one night.
  const auto nights = store.nights(night.machine_id);
  std::set<int64_t> recent;
  for (size_t i = nights.size() > 30 ? nights.size() - 30 : 0; i < nights.size(); ++i) recent.insert(nights[i].id);
  std::set<std::pair<int64_t, int64_t>> explained;
  for (const auto& r : store.regressions())
    if (r.first_bad_night_id) explained.insert({r.series_id, *r.first_bad_night_id});
  std::map<int64_t, std::string> run_of;
  for (const auto& n : nights) run_of[n.id] = n.run_id;
  for (const auto& c : store.change_points()) {
    if (!recent.count(c.night_id) || explained.count({c.series_id, c.night_id}) || c.ratio < 1) continue;
    const auto s = store.series_by_id(c.series_id);
    if (!s || s->machine_id != night.machine_id || s->identity.kind != SeriesKind::cell) continue;
    report.silent_change_points.push_back({s->identity.name(), run_of[c.night_id], c.ratio, c.p_value});
  }

  if (unfit) report.outcome = NightOutcome::unfit;
  else if (!report.new_regressions.empty()) report.outcome = NightOutcome::regression;
  else if (!report.failures.empty()) report.outcome = NightOutcome::failures;
  report.exit_reason = report.outcome == NightOutcome::unfit
                           ? "machine unfit: " + util::join(in.preflight.problems, "; ")
                       : report.outcome == NightOutcome::regression
                           ? fmt::format("{} new confirmed regression{}", report.new_regressions.size(),
                                         report.new_regressions.size() == 1 ? "" : "s")
                       : report.outcome == NightOutcome::failures
                           ? fmt::format("{} processes failed", report.failures.size())
                           : "clean";
  return report;
}

}  // namespace ftbench::history
