#include "history/confirm.h"

#include <fmt/format.h>

#include <cmath>

#include "os/digest.h"

namespace ftbench::history {
namespace {

// Confirmed: significant at kConfirmAlpha, the suspected way, at least the minimum effect.
// Cleared: the interval rules the minimum effect out (or the change went significantly the
// other way). Anything else needs more processes: with few, no test can clear anything.
Verdict decide(double ratio, const analysis::Interval& ci, double p, double min_effect, Direction expected) {
  const bool slower = expected == Direction::slower;
  const bool same_way = (ratio > 1) == slower;
  const double bound = slower ? 1 + min_effect : 1 / (1 + min_effect);
  if (p <= kConfirmAlpha && same_way && std::fabs(std::log(ratio)) >= std::log1p(min_effect)) return Verdict::confirmed;
  if (!same_way && p <= analysis::kAlpha) return Verdict::cleared;
  const bool ci_known = ci.high > 0 && ci.low > 0;
  if (ci_known && (slower ? ci.high < bound : ci.low > bound)) return Verdict::cleared;
  return Verdict::undecided;
}

}  // namespace

std::vector<ConfirmationTarget> plan_confirmation(HistoryStore& store, const NightDetection& detection,
                                                  const results::Manifest& tonight, const DetectionSettings& settings) {
  std::vector<ConfirmationTarget> out;
  std::map<std::string, NightInterpreter> now;
  for (const auto& i : store.night_interpreters(detection.night_id)) now[i.label] = i;
  for (const auto* e : detection.suspects()) {
    const auto series = store.series_by_id(e->series_id);
    if (!series) continue;
    ConfirmationTarget t;
    t.suspect = *e;
    t.label = e->identity.interpreter;
    t.machine_factor = detection.machine_factor;
    for (const auto& i : tonight.plan.interpreters)
      if (i.label == t.label) {
        t.executable = i.interpreter.path;
        t.env = i.env;
      }
    if (now.count(t.label)) {
      t.sha256 = now[t.label].sha256;
      t.commit = now[t.label].commit;
    }
    const auto points = store.points(e->series_id);
    const auto segment = segment_before(store, *series, points, detection.night_id, settings.max_segment_nights);
    for (const auto& p : points)
      if (p.night_id == detection.night_id) {
        t.nights = series_nights(p, segment, true);
        t.tonight_processes = static_cast<int>(p.units.size());
      }
    if (!segment.empty()) {
      for (const auto& i : store.night_interpreters(segment.back().night_id))
        if (i.label == t.label) {
          t.previous_executable = i.executable;
          t.previous_sha256 = i.sha256;
          t.previous_commit = i.commit;
        }
      // The old binary, if it is still there and still the same file.
      std::error_code ec;
      if (!t.previous_sha256.empty() && t.previous_sha256 != t.sha256 &&
          std::filesystem::exists(t.previous_executable, ec) &&
          os::sha256_file(t.previous_executable).value_or("") == t.previous_sha256)
        t.mode = ConfirmMode::previous_binary;
    }
    out.push_back(std::move(t));
  }
  return out;
}

Judgement judge(const ConfirmationTarget& t, const std::vector<double>& previous_units,
                const std::vector<double>& tonight_units, double machine_night_variance,
                const DetectionSettings& settings) {
  Judgement j;
  if (t.mode == ConfirmMode::previous_binary) {
    const auto r = analysis::compare_samples(previous_units, tonight_units);
    if (!r.valid) return j;
    j.ratio = r.ratio;
    j.ci = r.ci;
    j.p = r.test.p_value;
    j.processes = static_cast<int>(std::min(previous_units.size(), tonight_units.size()));
    j.how = fmt::format("tonight's binary ({}) against the segment's ({}), {} processes each, the same night",
                        t.sha256.substr(0, 12), t.previous_sha256.substr(0, 12), j.processes);
  } else {
    // Tonight's processes, stored and extra, measured on tonight's machine: judged relative to it.
    auto nights = t.nights;
    nights.tonight_units.insert(nights.tonight_units.end(), tonight_units.begin(), tonight_units.end());
    for (auto& u : nights.tonight_units) u /= t.machine_factor;
    nights.tonight_value = analysis::median(nights.tonight_units);
    const auto e = test_series(nights, machine_night_variance, settings);
    j.ratio = e.ratio;
    j.ci = e.ci;
    j.p = e.p;
    j.processes = static_cast<int>(nights.tonight_units.size());
    j.how = fmt::format("{} processes tonight against the segment's {} nights", j.processes,
                        nights.segment_values.size());
  }
  j.verdict = decide(j.ratio, j.ci, j.p, t.suspect.min_effect, t.suspect.direction);
  return j;
}

}  // namespace ftbench::history
