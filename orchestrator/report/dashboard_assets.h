#pragma once
// The files dashboard.html is assembled from: the charting libraries (Vega, Vega-Lite,
// vega-embed; installed by CMake from dashboard/package-lock.json into the build tree) and
// the pages' shared template, script and style and each page's own (dashboard/src). Found at run time in
// $FTBENCH_DASHBOARD_ASSETS_DIR, else in the build tree this binary was built from.

#include <filesystem>
#include <string>

namespace ftbench::report {

struct DashboardAssets {
  std::filesystem::path dir;
  std::string vega;        // vega.min.js
  std::string vega_lite;   // vega-lite.min.js
  std::string vega_embed;  // vega-embed.min.js
  std::string page;        // page.html: the template with {{...}} slots (self_contained_page fills them)
  std::string script;      // common.js, then <page>.js
  std::string style;       // common.css, then <page>.css
};

std::filesystem::path dashboard_assets_dir();
// The libraries, the template and one page's script and style: "dashboard" (a run's
// dashboard.html) or "history" (history.html beside the history database).
// Throws UserError naming the directory, the missing file and how to get it.
DashboardAssets load_dashboard_assets(const std::string& page = "dashboard");

}  // namespace ftbench::report
