#pragma once
// Wording and layout shared by the text reports (terminal table, Markdown, compare): how a
// ratio is said, how an interval is written, and a small aligned-table builder.

#include <string>
#include <vector>

#include "analysis/significance.h"
#include "analysis/statistics.h"

namespace ftbench::report {

// A time ratio (subject / reference) in pyperf's words: "1.30x slower", "1.25x faster"
// (both factors >= 1), or the plain ratio marked "(n.s.)" when the difference is not
// significant: "1.02x (n.s.)". "n/a" when it could not be computed.
std::string describe_time_ratio(const analysis::RatioEstimate& r);
// The ratio's interval in the same orientation as describe_time_ratio's words: inverted for
// "faster" (so "1.47x faster [1.45, 1.49]"), as is otherwise.
std::string describe_time_ratio_interval(const analysis::RatioEstimate& r);
// "[1.21, 1.38]": the interval of the ratio.
std::string format_interval(const analysis::Interval& ci, int decimals = 2);
std::string format_ratio(double ratio, int decimals = 2);  // "1.30x"
std::string format_percent(double fraction, int decimals = 0);  // "95%"
std::string format_p_value(double p);                      // "p=0.003", "p<0.001"

// Plain-text and Markdown tables with per-column alignment.
class TextTable {
 public:
  enum class Align { left, right };
  explicit TextTable(std::vector<std::string> headers, std::vector<Align> align = {});
  void add_row(std::vector<std::string> cells);
  bool empty() const { return rows_.empty(); }
  // Columns padded to their widest cell, two spaces apart, a dashed rule under the header.
  std::string plain(const std::string& indent = "") const;
  // GitHub-flavoured Markdown: pipes escaped inside cells, alignment in the rule row.
  std::string markdown() const;

 private:
  std::vector<std::string> headers_;
  std::vector<Align> align_;
  std::vector<std::vector<std::string>> rows_;
};

// Display width of UTF-8 text (code points; every character we print is one column wide).
size_t display_width(const std::string& text);

}  // namespace ftbench::report
