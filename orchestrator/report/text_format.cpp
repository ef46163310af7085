#include "report/text_format.h"

#include <algorithm>
#include <cstdio>

namespace ftbench::report {

std::string format_ratio(double ratio, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*fx", decimals, ratio);
  return buf;
}

std::string format_percent(double fraction, int decimals) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f%%", decimals, fraction * 100.0);
  return buf;
}

std::string format_interval(const analysis::Interval& ci, int decimals) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "[%.*f, %.*f]", decimals, ci.low, decimals, ci.high);
  return buf;
}

std::string format_p_value(double p) {
  if (p < 0.001) return "p<0.001";
  char buf[32];
  // Near the 5 % line three decimals would print 0.050 for a p that is just not significant.
  std::snprintf(buf, sizeof buf, p >= 0.045 && p < 0.055 ? "p=%.4f" : "p=%.3f", p);
  return buf;
}

std::string describe_time_ratio(const analysis::RatioEstimate& r) {
  if (!r.valid) return "n/a";
  if (!r.significant) return format_ratio(r.ratio) + " (n.s.)";
  // The verdict's direction comes from the test; the factor from the medians. They agree
  // except in pathological samples, where the plain ratio is the honest thing to show.
  if (r.change == analysis::Change::higher && r.ratio >= 1) return format_ratio(r.ratio) + " slower";
  if (r.change == analysis::Change::lower && r.ratio <= 1) return format_ratio(1.0 / r.ratio) + " faster";
  return format_ratio(r.ratio);
}

std::string describe_time_ratio_interval(const analysis::RatioEstimate& r) {
  if (!r.valid) return "-";
  std::string text = r.significant && r.change == analysis::Change::lower && r.ratio <= 1
                         ? format_interval({1.0 / r.ci.high, 1.0 / r.ci.low, r.ci.confidence})
                         : format_interval(r.ci);
  // Too few values for a 95 % interval: say what it is instead.
  if (r.ci.confidence < analysis::kConfidence - 1e-9) text += " (" + format_percent(r.ci.confidence) + ")";
  return text;
}

size_t display_width(const std::string& text) {
  size_t w = 0;
  for (char ch : text)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++w;
  return w;
}

TextTable::TextTable(std::vector<std::string> headers, std::vector<Align> align)
    : headers_(std::move(headers)), align_(std::move(align)) {
  align_.resize(headers_.size(), Align::left);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::plain(const std::string& indent) const {
  std::vector<size_t> width(headers_.size(), 0);
  for (size_t c = 0; c < headers_.size(); ++c) {
    width[c] = display_width(headers_[c]);
    for (const auto& r : rows_) width[c] = std::max(width[c], display_width(r[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string out = indent;
    for (size_t c = 0; c < cells.size(); ++c) {
      const size_t pad = width[c] - display_width(cells[c]);
      const bool last = c + 1 == cells.size();
      if (align_[c] == Align::right) out += std::string(pad, ' ') + cells[c];
      else out += cells[c] + (last ? "" : std::string(pad, ' '));
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(headers_);
  std::vector<std::string> rule;
  for (size_t w : width) rule.push_back(std::string(w, '-'));
  out += line(rule);
  for (const auto& r : rows_) out += line(r);
  return out;
}

std::string TextTable::markdown() const {
  auto escape = [](const std::string& s) {
    std::string out;
    for (char ch : s) {
      if (ch == '|') out += "\\|";
      else if (ch == '\n') out += ' ';
      else out += ch;
    }
    return out;
  };
  std::string out = "|";
  for (const auto& h : headers_) out += " " + escape(h) + " |";
  out += "\n|";
  for (auto a : align_) out += a == Align::right ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& r : rows_) {
    out += "|";
    for (const auto& c : r) out += " " + escape(c) + " |";
    out += "\n";
  }
  return out;
}

}  // namespace ftbench::report
