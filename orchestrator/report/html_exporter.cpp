#include "report/html_exporter.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cctype>

#include "report/analysis_json.h"
#include "util/json.h"
#include "report/exporter.h"
#include "os/files.h"

namespace fs = std::filesystem;

namespace ftbench::report {

std::string html_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string path_href(const std::string& path) {
  std::string out = !path.empty() && path.front() == '/' ? "" : "./";
  for (char c : path) {
    const auto b = static_cast<unsigned char>(c);
    if (std::isalnum(b) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') out += c;
    else out += fmt::format("%{:02X}", b);
  }
  return out;
}

std::string json_for_script(const std::string& json) {
  std::string out;
  out.reserve(json.size());
  for (char c : json) {
    if (c == '<') out += "\\u003c";  // '<' only occurs inside JSON strings, where this is the same character
    else out += c;
  }
  return out;
}

std::string js_for_script(const std::string& js) {
  std::string out;
  out.reserve(js.size());
  for (size_t i = 0; i < js.size(); ++i) {
    // "</script" and "<!--" end or confuse a script element; "<\/" and "<\!" mean the same in JS strings and regexes.
    if (js[i] == '<' && i + 1 < js.size() && (js[i + 1] == '/' || js[i + 1] == '!')) {
      const auto rest = js.substr(i + 1, 7);
      bool closes = rest.size() >= 7 && (rest[0] == '/') &&
                    std::equal(rest.begin() + 1, rest.end(), "script", [](char a, char b) {
                      return std::tolower(static_cast<unsigned char>(a)) == b;
                    });
      bool comment = js.compare(i, 4, "<!--") == 0;
      if (closes || comment) {
        out += "<\\";
        continue;
      }
    }
    out += js[i];
  }
  return out;
}

std::string fill_template(const std::string& page, const std::vector<std::pair<std::string, std::string>>& slots) {
  std::string out;
  out.reserve(page.size());
  size_t pos = 0;
  while (pos < page.size()) {
    size_t open = page.find("{{", pos);
    if (open == std::string::npos) break;
    size_t close = page.find("}}", open + 2);
    if (close == std::string::npos) break;
    const std::string name = page.substr(open + 2, close - open - 2);
    out.append(page, pos, open - pos);
    bool filled = false;
    for (const auto& [slot, text] : slots)
      if (slot == name) {
        out += text;
        filled = true;
        break;
      }
    if (!filled) out.append(page, open, close + 2 - open);
    pos = close + 2;
  }
  out.append(page, pos, std::string::npos);
  return out;
}

std::string self_contained_page(const DashboardAssets& assets, const std::string& title, const std::string& noscript,
                                const std::string& data_json) {
  return fill_template(assets.page, {{"TITLE", html_escape(title)},
                                     {"NOSCRIPT", html_escape(noscript)},
                                     {"STYLE", assets.style},
                                     {"DATA", json_for_script(data_json)},
                                     {"VEGA", js_for_script(assets.vega)},
                                     {"VEGA_LITE", js_for_script(assets.vega_lite)},
                                     {"VEGA_EMBED", js_for_script(assets.vega_embed)},
                                     {"APP", js_for_script(assets.script)}});
}

std::string dashboard_html(const ReportModel& model, const DashboardAssets& assets, const std::string& diagnosis_json) {
  AnalysisJsonOptions options;
  options.pretty = false;
  options.include_values = true;
  auto data = analysis_json(model, options);
  // The page reads one object: the diagnosis becomes its "diagnosis" field.
  if (!diagnosis_json.empty()) {
    const auto end = data.find_last_of('}');
    if (end != std::string::npos) data.insert(end, ",\"diagnosis\":" + diagnosis_json);
  }
  return self_contained_page(
      assets, "ftbench " + model.manifest.run_id,
      "This dashboard draws its charts with JavaScript. summary.md and results.csv beside it hold the same numbers as "
      "text.",
      data);
}

namespace {

// The run's diagnosis.json when `orchestrate diagnose` wrote one and it is valid JSON (a
// damaged one is left out of the page with a warning rather than breaking it).
std::string diagnosis_of(const fs::path& run_dir) {
  const auto path = run_dir / "diagnosis.json";
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return {};
  auto text = os::read_file(path);
  if (!json::parse(text)) {
    spdlog::warn("{} is not valid JSON: the dashboard leaves the diagnosis out (run orchestrate diagnose again)",
                 path.string());
    return {};
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

class HtmlExporter final : public Exporter {
 public:
  config::OutputFormat format() const override { return config::OutputFormat::html; }
  std::vector<fs::path> write(const ReportModel& model, const fs::path& run_dir) const override {
    const auto assets = load_dashboard_assets();
    const auto path = run_dir / "dashboard.html";
    os::write_file_atomically(path, dashboard_html(model, assets, diagnosis_of(run_dir)));
    return {path};
  }
};

}  // namespace

std::unique_ptr<Exporter> make_html_exporter() { return std::make_unique<HtmlExporter>(); }

}  // namespace ftbench::report
