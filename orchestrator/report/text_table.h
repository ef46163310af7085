#pragma once
// The aligned-table builder the text reports share (terminal table, Markdown, compare); what
// goes into the cells comes from report/presenter.h.

#include <string>
#include <vector>


namespace ftbench::report {

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
