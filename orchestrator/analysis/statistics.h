#pragma once
// Descriptive statistics for one metric of one cell (benchmark, interpreter, threads): the
// centre and spread, a distribution-free confidence interval of the median, outliers, and
// pyperf's "this result may be unstable" rules. Pure functions over values; docs/reports.md
// gives every definition. How numbers are shown is report/presenter.h's business.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "util/enum_names.h"

namespace ftbench::analysis {

inline constexpr double kConfidence = 0.95;   // every interval in reports
inline constexpr double kAlpha = 0.05;        // every significance verdict
inline constexpr double kOutlierZ = 3.5;      // Iglewicz & Hoaglin's cut-off for the modified z-score

// A closed interval and the confidence it actually has: order-statistic intervals are
// discrete, so the achieved level is at least kConfidence, or below it (and said so) when the
// sample is too small for any interval to reach it.
struct Interval {
  double low = 0;
  double high = 0;
  double confidence = 0;
  bool contains(double x) const { return low <= x && x <= high; }
};

// 1-based ranks of order statistics [x_(lower), x_(upper)] and their exact coverage.
struct RankInterval {
  size_t lower = 0;
  size_t upper = 0;
  double confidence = 0;
};

// Median and quantiles of sorted data (type 7 quantiles: linear interpolation, as numpy and R).
double median_sorted(std::span<const double> sorted);
double quantile_sorted(std::span<const double> sorted, double p);
double median(std::vector<double> values);
// Median absolute deviation from `centre`, unscaled (multiply by 1.4826 for a normal sigma).
double mad(std::span<const double> values, double centre);
// Sample standard deviation / |mean|; 0 for fewer than two values or a zero mean.
double coefficient_of_variation(std::span<const double> values);

// The binomial order-statistic interval for the median: the narrowest symmetric ranks
// [k, n+1-k] with P(Binomial(n, 1/2) < k) <= (1-confidence)/2. Exact for any continuous
// distribution, no bootstrap, no seed. For n < 6 no such k exists at 95 %: [1, n] is
// returned with its smaller confidence 1 - 2^(1-n).
RankInterval median_ci_ranks(size_t n, double confidence = kConfidence);

// Modified z-scores 0.6745 (x - median) / MAD. When MAD is 0 (over half the values equal),
// the mean absolute deviation stands in, scaled by 1.2533 (its normal-consistency factor),
// as Iglewicz & Hoaglin and IBM's implementation do; if that is 0 too, every score is 0.
std::vector<double> modified_z_scores(std::span<const double> values);

enum class Instability {
  high_stdev,          // stdev >= 10 % of the mean
  extreme_value,       // min or max >= 50 % away from the mean
  too_short,           // shortest value < 1 ms: timer and scheduler noise dominate
  single_process,      // one process: process-to-process variation (ASLR, hashing) unseen
  too_few_processes,   // per-process means need more processes for 95 % certainty of < 1 %
  too_few_values,      // < 6 units (processes): no 95 % interval for the median exists
};
inline constexpr util::EnumName<Instability> kInstabilityNames[] = {
    {Instability::high_stdev, "high_stdev"},         {Instability::extreme_value, "extreme_value"},
    {Instability::too_short, "too_short"},           {Instability::single_process, "single_process"},
    {Instability::too_few_processes, "too_few_processes"}, {Instability::too_few_values, "too_few_values"}};
constexpr std::span<const util::EnumName<Instability>> enum_names(Instability) { return kInstabilityNames; }

// One rule that fired, with the numbers behind it (report/presenter.h words them).
struct InstabilityWarning {
  Instability kind;
  double value = 0;      // high_stdev: the stdev; extreme_value: the min or max; too_short: the
                         // shortest value; too_few_processes: processes; too_few_values: units
  double reference = 0;  // high_stdev, extreme_value: the mean; too_few_processes: processes
                         // needed; too_few_values: the confidence the median's interval has
};

// The values of one metric in one cell and the process each came from. Values of one process
// are correlated (same address-space layout, hash seed, warm caches, and on a shared machine
// the same neighbours): whole processes shift together. So the process, not the iteration, is
// the unit of every interval and test: each process contributes one value, the median of its
// iterations (docs/reports.md, "The unit").
struct Sample {
  std::vector<double> values;
  std::vector<int> process;  // same length as values

  void add(double value, int process_id) {
    values.push_back(value);
    process.push_back(process_id);
  }
  bool empty() const { return values.empty(); }
  size_t size() const { return values.size(); }
  size_t process_count() const;
  // One value per process: the median of its values, in order of process id.
  std::vector<double> unit_values() const;
};

// What the values measure: the stability rules apply to measured durations only (a time per
// operation is judged through the iteration time it derives from), and units format reasons.
enum class Quantity { duration_ns, duration_per_op_ns, count };

struct Summary {
  size_t n = 0;              // values (iterations)
  size_t processes = 0;      // units
  // The centre and its interval are over the units (process medians) when there are two or
  // more processes; with one process, over its iterations (and a single_process warning).
  double median = 0;
  double mean = 0;
  double stdev = 0;          // sample standard deviation (n - 1)
  double mad = 0;            // unscaled
  double min = 0;
  double max = 0;
  double q1 = 0;
  double q3 = 0;
  Interval median_ci;
  double between_process_cv = 0;  // stdev / mean of the process medians (0 with one process)
  double within_process_cv = 0;   // median over processes of stdev / mean of their own values
  std::vector<size_t> outliers;  // indices into Sample::values with |modified z| > 3.5
  std::vector<InstabilityWarning> warnings;

  bool unstable() const { return !warnings.empty(); }
  double relative_ci_half_width() const;  // (high - low) / 2 / median; 0 when median is 0
};

// Statistics of a non-empty sample. Outliers are flagged, never dropped: a slow iteration is
// part of what the interpreter did.
Summary summarize(const Sample& sample, Quantity quantity);

// pyperf's rule "enough processes for 95 % certainty of < 1 % variation", applied to the
// per-process means: ceil((1.96 * stdev(process means) / (0.01 * mean))^2).
std::optional<size_t> required_processes(const Sample& sample);

}  // namespace ftbench::analysis
