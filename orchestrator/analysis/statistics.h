#pragma once
// Descriptive statistics for one metric of one cell (benchmark, interpreter, threads): the
// centre and spread, a distribution-free confidence interval of the median, outliers, and
// pyperf's "this result may be unstable" rules. Pure functions over values; docs/reports.md
// gives every definition.

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

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
  too_few_values,      // n < 6: no 95 % interval for the median exists
};
std::string to_string(Instability kind);

struct InstabilityWarning {
  Instability kind;
  std::string reason;  // one line with the numbers, e.g. "stdev 1.2 ms is 14% of the mean 8.6 ms"
};

// The values of one metric in one cell and the process each came from. Values of one process
// are correlated (same address-space layout, hash seed, warm caches); the process id lets the
// stability rules judge between-process variation the way pyperf does.
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
};

// What the values measure: the stability rules apply to measured durations only (a time per
// operation is judged through the iteration time it derives from), and units format reasons.
enum class Quantity { duration_ns, duration_per_op_ns, count };

struct Summary {
  size_t n = 0;
  size_t processes = 0;
  double median = 0;
  double mean = 0;
  double stdev = 0;          // sample standard deviation (n - 1)
  double mad = 0;            // unscaled
  double min = 0;
  double max = 0;
  double q1 = 0;
  double q3 = 0;
  Interval median_ci;
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

// "1.23 ms", "456 ns", "12.3 s": three significant digits in the nearest unit.
std::string format_duration_ns(double ns);
// "1.23e+06", "12.3", "0.0456": a count or rate, three significant digits.
std::string format_count(double value);
std::string format_quantity(double value, Quantity quantity);

}  // namespace ftbench::analysis
