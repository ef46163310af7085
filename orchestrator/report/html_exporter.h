#pragma once
// dashboard.html: one self-contained page per run (libraries, script, style and data inlined:
// it opens offline and can be published as a static file).

#include <string>

#include "report/dashboard_assets.h"
#include "report/report_model.h"

namespace ftbench::report {

// `diagnosis_json`: the run's diagnosis.json (orchestrate diagnose), shown as its own section;
// empty for a run without one.
std::string dashboard_html(const ReportModel& model, const DashboardAssets& assets,
                           const std::string& diagnosis_json = {});

// Any self-contained page: the template with the libraries, the page's script and style, and
// its data (JSON, read by the script from #ftbench-data) inlined. `noscript`: what to read
// instead without JavaScript.
std::string self_contained_page(const DashboardAssets& assets, const std::string& title, const std::string& noscript,
                                const std::string& data_json);

// Text made safe inside <script>: JSON with every '<' as \u003c, scripts with "</script" and
// "<!--" broken up, so the HTML parser never ends the element early.
std::string json_for_script(const std::string& json);
std::string js_for_script(const std::string& js);

// Replaces each {{NAME}} slot of `page` once, in one pass (inserted text is never rescanned).
std::string fill_template(const std::string& page, const std::vector<std::pair<std::string, std::string>>& slots);

std::string html_escape(const std::string& text);

// A file path as an href: every byte but letters, digits, '/', '-', '.', '_' and '~'
// percent-encoded, and a relative path starts with "./", so a directory named
// "javascript:alert(1)" or "x#y?z" stays a path to a file and never becomes a URL scheme or a
// fragment. Attribute-safe as it is (html_escape changes nothing in it).
std::string path_href(const std::string& path);

}  // namespace ftbench::report
