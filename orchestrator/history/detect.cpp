#include "history/detect.h"

#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <set>

#include <fmt/format.h>

#include "analysis/statistics.h"

namespace ftbench::history {
namespace {

double log_variance(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  double mean = 0;
  for (double v : values) mean += std::log(v);
  mean /= static_cast<double>(values.size());
  double ss = 0;
  for (double v : values) ss += (std::log(v) - mean) * (std::log(v) - mean);
  return ss / static_cast<double>(values.size() - 1);
}

// Sampling variance of the log of a median of k process values: (pi/2) var / k.
double median_sampling_variance(const std::vector<double>& units) {
  if (units.size() < 2) return 0;
  return std::numbers::pi / 2.0 * log_variance(units) / static_cast<double>(units.size());
}

bool positive(const std::vector<double>& v) {
  return !v.empty() && std::all_of(v.begin(), v.end(), [](double x) { return x > 0 && std::isfinite(x); });
}

}  // namespace

double night_variance(const SeriesNights& s) {
  if (s.segment_values.size() < 2 || !positive(s.segment_values)) return 0;
  const double total = log_variance(s.segment_values);
  double sampling = 0;
  for (const auto& u : s.segment_units) sampling += median_sampling_variance(u);
  if (!s.segment_units.empty()) sampling /= static_cast<double>(s.segment_units.size());
  return std::max(0.0, total - sampling);
}

SeriesNights series_nights(const PointRecord& tonight, const std::vector<PointRecord>& segment, bool normalize) {
  SeriesNights s;
  s.tonight_units = normalize ? tonight.units : std::vector<double>{};
  s.tonight_value = tonight.value;
  for (const auto& p : segment) {
    const double f = normalize && p.machine_factor > 0 ? p.machine_factor : 1.0;
    s.segment_values.push_back(p.value / f);
    if (!normalize) continue;
    auto units = p.units;
    for (auto& u : units) u /= f;
    s.segment_units.push_back(std::move(units));
  }
  return s;
}

Evidence test_series(const SeriesNights& s, double machine_night_variance, const DetectionSettings& settings) {
  Evidence e;
  if (!positive(s.segment_values) || !(s.tonight_value > 0)) return e;
  const double j = static_cast<double>(s.segment_values.size());
  double mean_log = 0;
  for (double v : s.segment_values) mean_log += std::log(v);
  mean_log /= j;
  const double d = std::log(s.tonight_value) - mean_log;
  e.ratio = std::exp(d);
  e.direction = d > 0 ? Direction::slower : Direction::faster;

  // Against night-to-night noise: tonight's sampling, the segment mean's sampling, and the
  // variance a night adds beyond sampling.
  double v_tonight = median_sampling_variance(s.tonight_units);
  double v_segment = 0;
  for (const auto& u : s.segment_units) v_segment += median_sampling_variance(u);
  if (!s.segment_units.empty()) v_segment /= j * j;
  const double tau2 = std::max(machine_night_variance, night_variance(s));
  double var = tau2 * (1.0 + 1.0 / j) + v_tonight + v_segment;
  if (s.tonight_units.empty()) var = std::max(var, log_variance(s.segment_values) * (1.0 + 1.0 / j));  // derived series
  e.night_sd = std::sqrt(std::max(var, 0.0));
  e.p_nights = var > 0 ? std::min(1.0, 2.0 * analysis::normal_sf(std::fabs(d) / std::sqrt(var))) : (d == 0 ? 1.0 : 0.0);

  // Within the evidence: tonight's processes against the segment's.
  std::vector<double> segment_units;
  for (const auto& u : s.segment_units) segment_units.insert(segment_units.end(), u.begin(), u.end());
  if (!s.tonight_units.empty() && !segment_units.empty()) {
    const auto r = analysis::compare_samples(segment_units, s.tonight_units);
    if (r.valid) {
      e.ratio = r.ratio;
      e.ci = r.ci;
      e.p_rank = r.test.p_value;
      e.direction = r.ratio > 1 ? Direction::slower : Direction::faster;
    }
  } else {
    e.p_rank = e.p_nights;  // derived series: the nightly values are the only evidence
    e.ci = {std::exp(d - 1.96 * e.night_sd), std::exp(d + 1.96 * e.night_sd), analysis::kConfidence};
  }
  e.p = std::max(e.p_rank, e.p_nights);
  // The smallest change worth reporting: what nights move by on their own (beyond sampling,
  // which the p-value already accounts for), times the multiplier.
  e.min_effect = std::max(settings.min_effect, std::expm1(settings.noise_multiplier * std::sqrt(tau2)));
  return e;
}

void apply_fdr(std::vector<Evidence>& tested, const DetectionSettings& settings) {
  std::vector<size_t> order(tested.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return tested[a].p < tested[b].p; });
  const double m = static_cast<double>(tested.size());
  double running = 1.0;  // step-up: q_(i) = min over j >= i of p_(j) m / j
  for (size_t k = order.size(); k-- > 0;) {
    auto& e = tested[order[k]];
    running = std::min(running, e.p * m / static_cast<double>(k + 1));
    e.q = running;
  }
  for (auto& e : tested)
    e.suspect = e.q <= settings.fdr && std::fabs(std::log(e.ratio)) >= std::log1p(e.min_effect);
}

std::vector<const Evidence*> NightDetection::suspects() const {
  std::vector<const Evidence*> out;
  for (const auto& e : tested)
    if (e.suspect) out.push_back(&e);
  return out;
}

std::vector<PointRecord> segment_before(HistoryStore& store, const SeriesRecord& series,
                                        const std::vector<PointRecord>& points, int64_t night_id, int max_nights) {
  std::set<int64_t> boundaries;
  for (const auto& c : store.change_points(series.id)) boundaries.insert(c.night_id);
  const auto name = series.identity.name();
  for (const auto& a : store.annotations())
    if ((a.machine_id == 0 || a.machine_id == series.machine_id) && a.kind != "note" &&
        ::fnmatch(a.series_glob.c_str(), name.c_str(), 0) == 0)
      boundaries.insert(a.night_id);
  for (const auto& r : store.regressions())
    if (r.series_id == series.id && r.first_bad_night_id &&
        (r.state == RegressionState::confirmed || r.state == RegressionState::acknowledged ||
         r.state == RegressionState::expected || r.state == RegressionState::fixed))
      boundaries.insert(*r.first_bad_night_id);
  size_t tonight = points.size();
  for (size_t i = 0; i < points.size(); ++i)
    if (points[i].night_id == night_id) tonight = i;
  size_t start = 0;
  for (size_t i = 0; i < tonight; ++i)
    if (boundaries.count(points[i].night_id)) start = i;
  std::vector<PointRecord> out;
  for (size_t i = start; i < tonight; ++i)
    if (!points[i].excluded) out.push_back(points[i]);
  if (out.size() > static_cast<size_t>(max_nights)) out.erase(out.begin(), out.end() - max_nights);
  return out;
}

NightDetection detect_night(HistoryStore& store, int64_t night_id, const DetectionSettings& settings) {
  NightDetection out;
  out.night_id = night_id;
  const auto night = store.night(night_id);
  if (!night) return out;

  struct Candidate {
    SeriesRecord series;
    SeriesNights nights;
  };
  std::vector<Candidate> cells, derived;
  for (const auto& s : store.series(night->machine_id)) {
    const bool cell = s.identity.kind == SeriesKind::cell && s.identity.metric == "time_per_op";
    const bool ratio = s.identity.kind != SeriesKind::cell;
    if (!cell && !ratio) continue;
    const auto points = store.points(s.id, cell);
    const auto tonight = std::find_if(points.begin(), points.end(), [&](auto& p) { return p.night_id == night_id; });
    if (tonight == points.end()) continue;
    const auto segment = segment_before(store, s, points, night_id, settings.max_segment_nights);
    if (static_cast<int>(segment.size()) < settings.min_segment_nights) {
      if (cell) ++out.learning;
      continue;
    }
    Candidate c{s, series_nights(*tonight, segment, cell)};
    (cell ? cells : derived).push_back(std::move(c));
  }

  // A night is a machine event: pool the between-night variance over the machine's series.
  std::vector<double> variances;
  for (const auto& c : cells) variances.push_back(night_variance(c.nights));
  const double machine_variance = variances.empty() ? 0.0 : analysis::median(variances);
  out.machine_night_sd = std::sqrt(machine_variance);

  // The machine's own move tonight: the median shift of the series whose interpreter binary
  // did not change since the last night that counted. Every series is judged relative to it,
  // so a night on which a shared VM ran 10 % slow still counts, and one cell that moved
  // against the rest still stands out.
  std::set<std::string> changed;
  std::optional<NightRecord> previous;
  for (const auto& n : store.nights(night->machine_id))
    if (n.id != night_id && !n.excluded && n.created_at <= night->created_at) previous = n;
  if (previous) {
    std::map<std::string, std::string> before;
    for (const auto& i : store.night_interpreters(previous->id)) before[i.label] = i.sha256;
    for (const auto& i : store.night_interpreters(night_id))
      if (before.count(i.label) && before[i.label] != i.sha256) changed.insert(i.label);
  }
  std::vector<double> shifts_of_unchanged;
  for (const auto& c : cells) {
    if (changed.count(c.series.identity.interpreter) || !positive(c.nights.segment_values) ||
        !(c.nights.tonight_value > 0))
      continue;
    double mean_log = 0;
    for (double v : c.nights.segment_values) mean_log += std::log(v);
    mean_log /= static_cast<double>(c.nights.segment_values.size());
    shifts_of_unchanged.push_back(std::log(c.nights.tonight_value) - mean_log);
  }
  if (shifts_of_unchanged.size() >= static_cast<size_t>(settings.min_series_for_machine_shift)) {
    const double b = analysis::median(shifts_of_unchanged);
    out.machine_factor = std::exp(b);
    if (std::fabs(b) >= std::log1p(settings.drift_threshold))
      out.drift = fmt::format("the machine ran {:.1f}% {} than its recent nights (median of {} series of unchanged "
                              "interpreters); every series is judged relative to it",
                              std::fabs(std::expm1(b)) * 100, b > 0 ? "slower" : "faster", shifts_of_unchanged.size());
  }

  for (auto& c : cells) {
    auto nights = c.nights;
    for (auto& u : nights.tonight_units) u /= out.machine_factor;
    nights.tonight_value /= out.machine_factor;
    auto e = test_series(nights, machine_variance, settings);
    e.series_id = c.series.id;
    e.identity = c.series.identity;
    out.tested.push_back(std::move(e));
  }
  apply_fdr(out.tested, settings);
  std::vector<Evidence> shifts;
  for (const auto& c : derived) {
    auto e = test_series(c.nights, 0.0, settings);
    e.series_id = c.series.id;
    e.identity = c.series.identity;
    shifts.push_back(std::move(e));
  }
  apply_fdr(shifts, settings);
  for (auto& e : shifts)
    if (e.suspect) out.ratio_shifts.push_back(std::move(e));
  return out;
}

}  // namespace ftbench::history
