#pragma once
// Retrospective change points in one series of nightly values: E-divisive means (Matteson and
// James's energy statistic, as Apache Otava/Hunter uses it) to propose where the distribution
// changes, each proposal kept only if a Welch t-test between the two sides says p < alpha
// (Otava prunes with a t-test the same way; here p is multiplied by the number of positions
// the split was chosen from, since the most extreme split of pure noise is otherwise
// "significant") and the shift is at least `min_effect`. Splitting
// recurses into both sides. Chosen over asv's penalised step fit because it needs no noise
// model and no penalty constant: it finds shifts in any distribution, slow drifts included
// (they split where the level has moved most), and the t-test makes every reported point a
// stated test (docs/history.md).

#include <cstddef>
#include <vector>

namespace ftbench::history {

struct ChangePointSettings {
  double alpha = 0.001;      // Welch t-test p (times the candidate positions) below which a split is kept
  double min_effect = 0.03;  // |after / before - 1| below which a split is not worth reporting (history.min_effect)
  size_t min_segment = 3;    // nights on each side, at least
};

struct Split {
  size_t index = 0;          // the first value after the change
  double ratio = 1;          // mean after / mean before (of the values, exp of the log means)
  double p_value = 1;
};

// `log_values` are the logs of the nightly values in night order. Splits in index order.
std::vector<Split> find_change_points(const std::vector<double>& log_values, const ChangePointSettings& settings = {});

// The energy statistic's best split of values[begin, end): (index, Q). Exposed for tests.
std::pair<size_t, double> best_energy_split(const std::vector<double>& values, size_t begin, size_t end,
                                            size_t min_segment);

// Welch's two-sample t-test, two-sided p.
double welch_p_value(const std::vector<double>& values, size_t begin, size_t split, size_t end);

}  // namespace ftbench::history
