#include "report/exporter.h"

namespace ftbench::report {

std::unique_ptr<Exporter> make_exporter(config::OutputFormat format) {
  switch (format) {
    case config::OutputFormat::json: return make_json_exporter();
    case config::OutputFormat::csv: return make_csv_exporter();
    case config::OutputFormat::markdown: return make_markdown_exporter();
    case config::OutputFormat::html: return make_html_exporter();
    case config::OutputFormat::pyperf: return make_pyperf_exporter();
  }
  return make_json_exporter();
}

}  // namespace ftbench::report
