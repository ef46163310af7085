#include "report/exporter.h"

#include <algorithm>

#include "config/config.h"
#include "util/error.h"
#include "util/strings.h"

namespace ftbench::report {

std::unique_ptr<Exporter> make_exporter(const std::string& format) {
  if (format == "json") return make_json_exporter();
  if (format == "csv") return make_csv_exporter();
  if (format == "markdown") return make_markdown_exporter();
  if (format == "html") return make_html_exporter();
  if (format == "pyperf") return make_pyperf_exporter();
  std::string valid;
  for (const auto& f : config::output_formats()) valid += (valid.empty() ? "" : ", ") + f;
  throw UserError("unknown report format '" + format + "': valid formats are " + valid);
}

std::vector<std::string> parse_formats(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& f : util::split_commas(values)) {
    make_exporter(f);  // validates
    if (std::find(out.begin(), out.end(), f) == out.end()) out.push_back(f);
  }
  return out;
}

}  // namespace ftbench::report
