#include "report/exporter.h"

#include <algorithm>

#include "util/error.h"

namespace ftbench::report {

const std::vector<std::string>& known_formats() {
  static const std::vector<std::string> formats{"json", "csv", "markdown", "html", "pyperf"};
  return formats;
}

std::unique_ptr<Exporter> make_exporter(const std::string& format) {
  if (format == "json") return make_json_exporter();
  if (format == "csv") return make_csv_exporter();
  if (format == "markdown") return make_markdown_exporter();
  if (format == "html") return make_html_exporter();
  if (format == "pyperf") return make_pyperf_exporter();
  std::string valid;
  for (const auto& f : known_formats()) valid += (valid.empty() ? "" : ", ") + f;
  throw UserError("unknown report format '" + format + "': valid formats are " + valid);
}

std::vector<std::string> parse_formats(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      std::string f = value.substr(start, comma - start);
      start = comma + 1;
      if (f.empty()) continue;
      make_exporter(f);  // validates
      if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
    }
  }
  return out;
}

}  // namespace ftbench::report
