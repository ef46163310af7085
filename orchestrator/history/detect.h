#pragma once
// Is tonight worse? For each series, tonight's processes (one value per process: the process
// is the unit) are compared with the series' current segment: the nights since its last change
// point, annotation or acknowledged step, up to 20. Two tests must agree:
//   - within the night's evidence: Mann-Whitney U of tonight's process medians against the
//     segment's, with the Hodges-Lehmann/Moses ratio interval;
//   - against night-to-night noise: tonight's median against the segment's nightly medians,
//     with the variance a night adds beyond sampling (estimated over the machine's series).
// The p-value is the larger of the two; Benjamini-Hochberg controls the false-discovery rate
// over the night's series; and a change smaller than the series' minimum effect (derived from
// its own noise) is never a suspect. A night is a machine event: the median move of the series
// whose interpreter did not change is the machine's, and every series is judged relative to it
// (a shared VM that ran slow tonight reports drift, not N regressions). Suspects are then
// confirmed or cleared the same night (history/confirm.h). docs/history.md gives the definitions and the validation figures.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/significance.h"
#include "history/store.h"

namespace ftbench::history {

struct DetectionSettings {
  int max_segment_nights = 20;
  int min_segment_nights = 3;     // fewer: the series is still learning, nothing is judged
  double fdr = 0.05;              // Benjamini-Hochberg q over the night's series
  double min_effect = 0.03;       // the smallest change ever reported
  double noise_multiplier = 2.0;  // ... raised to this many of the night-to-night sd beyond sampling
  double drift_threshold = 0.05;  // the machine moved at least this much tonight: reported as drift
  int min_series_for_machine_shift = 6;  // fewer series of unchanged interpreters: no machine shift estimated
};

// One series tonight against its segment.
struct Evidence {
  int64_t series_id = 0;
  SeriesIdentity identity;
  std::vector<int64_t> segment_nights;
  double ratio = 1;               // tonight / segment (medians of process medians, or values)
  analysis::Interval ci;
  double p_rank = 1;              // Mann-Whitney, tonight's processes vs the segment's
  double p_nights = 1;            // tonight's median vs the segment's nightly medians
  double p = 1;                   // max of the two
  double q = 1;                   // Benjamini-Hochberg
  double min_effect = 0;
  double night_sd = 0;            // the series' night-to-night sd (log), sampling included
  Direction direction = Direction::slower;
  bool suspect = false;
};

// What a night's data gives the nightly test of one series.
struct SeriesNights {
  std::vector<double> tonight_units;               // empty for derived series
  double tonight_value = 0;
  std::vector<std::vector<double>> segment_units;  // per segment night (empty for derived series)
  std::vector<double> segment_values;              // per segment night
};

// Tonight's point and its segment as the test takes them. Cells (`normalize`): each segment
// night divided by its machine factor, so past drifts do not count as the series' noise;
// tonight stays as measured (detect_night divides it by tonight's factor). Derived series
// (ratios, efficiencies) carry no machine factor and no per-process values.
SeriesNights series_nights(const PointRecord& tonight, const std::vector<PointRecord>& segment, bool normalize);

// The between-night variance beyond sampling (log scale) of one series, from its segment:
// var(log nightly medians) minus their expected sampling variance, never below 0.
double night_variance(const SeriesNights& s);

// The test of one series; `machine_night_variance` is the pooled estimate over the machine's
// series (a night is a machine event: one series' few nights estimate it poorly).
Evidence test_series(const SeriesNights& s, double machine_night_variance, const DetectionSettings& settings);

// Benjamini-Hochberg: sets each q and marks suspects (q <= fdr and beyond the minimum effect).
void apply_fdr(std::vector<Evidence>& tested, const DetectionSettings& settings);

struct NightDetection {
  int64_t night_id = 0;
  std::vector<Evidence> tested;        // every time-per-operation series with enough history
  std::vector<Evidence> ratio_shifts;  // derived series (free-threaded/default, GIL switch, scaling) that moved
  size_t learning = 0;                 // series with too few nights to judge
  double machine_factor = 1;           // tonight's machine / its recent nights; series are judged relative to it
  std::optional<std::string> drift;    // the machine moved beyond drift_threshold (reported, absorbed)
  double machine_night_sd = 0;
  std::vector<const Evidence*> suspects() const;
};

// Detects on `night_id` (already ingested). Reads the store, writes nothing.
NightDetection detect_night(HistoryStore& store, int64_t night_id, const DetectionSettings& settings);

// The points of a series that form its segment before `night_id`: not excluded, after its last
// boundary (change point, matching annotation, or the first bad night of a regression that was
// confirmed, acknowledged, expected or fixed), at most `max_nights`.
std::vector<PointRecord> segment_before(HistoryStore& store, const SeriesRecord& series,
                                        const std::vector<PointRecord>& points, int64_t night_id, int max_nights);

}  // namespace ftbench::history
