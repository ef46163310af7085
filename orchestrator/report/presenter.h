#pragma once
// The display rules: every number a person reads goes through here, in the terminal table,
// summary.md, `compare`, the nightly report and the dashboard (analysis.json carries these
// strings in its "display" fields, so the page shows exactly what the text reports show).
//
// One convention per column: a time ratio is always written as a factor >= 1 with its
// direction ("1.30x slower", "1.43x faster"), significant or not; a result that is not
// significant carries "(n.s.)" after it, never a different number.

#include <string>
#include <string_view>
#include <vector>

#include "analysis/compare.h"
#include "analysis/noise.h"
#include "analysis/scaling_evidence.h"
#include "analysis/sharing.h"
#include "analysis/significance.h"
#include "analysis/statistics.h"

namespace ftbench::report {

inline constexpr std::string_view kNotSignificant = "n.s.";
// Too few processes for any difference to be significant: said instead of "n.s.", which would
// suggest the data showed no difference.
inline constexpr std::string_view kInsufficient = "insufficient processes";
// A comparison between builds whose configure flags differ beyond --disable-gil and the prefix.
inline constexpr std::string_view kFlagsDiffer = "build flags differ";

std::string format_duration_ns(double ns);                        // "1.23 ms", "456 ns", "12.3 s"
std::string format_count(double value);                          // "1.23e+06", "12.3", "0.0456"
std::string format_quantity(double value, analysis::Quantity quantity);
std::string format_ratio(double ratio, int decimals = 2);         // "1.30x"
std::string format_percent(double fraction, int decimals = 0);    // "95%"
std::string format_interval(const analysis::Interval& ci, int decimals = 2);  // "[1.21, 1.38]"
std::string format_p_value(double p);                             // "p=0.003", "p<0.001"

// subject / reference time: "1.30x slower", "1.43x faster", "1.00x", plus " (n.s.)" when
// the difference is not significant, " (insufficient processes)" when it could not be; "n/a"
// when it could not be computed.
std::string describe_time_ratio(const analysis::RatioEstimate& r);
// The ratio's interval in the orientation of describe_time_ratio's words (inverted for
// "faster"), with its confidence when below 95 %: "[1.45, 1.49]", "[0.9, 1.6] (75%)".
std::string describe_time_ratio_interval(const analysis::RatioEstimate& r);
// "1.45x (73%)", "1.00x (50%, n.s.)", "^" appended when oversubscribed, " suspect" when the
// efficiency is above what the scaling model allows.
std::string describe_speedup(const analysis::ScalingPoint& p);
// "significant", "not significant (n.s.)", "insufficient processes", "n/a".
std::string describe_verdict(const analysis::RatioEstimate& r);
// "agrees", "CONTRADICTS the docstring's expected higher", ...
std::string describe_agreement(analysis::Agreement a, std::optional<harness::ExpectedRatio> expected);
// "build flags differ: --enable-shared" or "".
std::string describe_flags(const std::vector<std::string>& flags_differ);
// A geometric mean of time ratios in describe_time_ratio's words, without a verdict.
std::string describe_geomean(double geomean);
// One stability warning in words, e.g. "stdev 1.2 ms is 14% of the mean 8.6 ms".
std::string describe_warning(const analysis::InstabilityWarning& w, analysis::Quantity quantity);

// The noise floor in one line: how much a process's median varies from process to process
// (per interpreter), and the smallest difference the run resolves at its processes per side.
std::string describe_noise_floor(const analysis::NoiseFloor& noise);
// Why a flagged cell spreads: "process 2 ran 1.62x slower than the others".
std::string describe_noise_cause(const analysis::NoiseCauseFound& cause);
// A judged cell against its floor, with the causes of a flagged one: "process-to-process CV
// 21% against the floor's 8.8% (flagged above 19%): process 2 ran 1.62x slower than the others".
std::string describe_cell_noise(const analysis::CellNoise& cell);

// orchestrate diagnose, tier 1: the verdict in one line ending with what it rests on
// ("cache-line contention suspected: CPU/op rises 1.78x ... [rests on: CPU/op, futex/op]"),
// and the figures behind it, one per line.
std::string describe_scaling_verdict(const analysis::ScalingEvidence& e);
std::vector<std::string> describe_scaling_evidence(const analysis::ScalingEvidence& e);

// orchestrate diagnose, tier 3: what one cache line showed, in Python terms ("false sharing
// between slots[0] (worker 0) and slots[1] (worker 1); the line changes hands 0.87 times per
// operation"), and the fix it implies.
std::string describe_line(const analysis::LineFinding& line);
std::string describe_line_fix(const analysis::LineFinding& line);

}  // namespace ftbench::report
