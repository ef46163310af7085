#pragma once
// The files dashboard.html is assembled from: the charting libraries (Vega, Vega-Lite,
// vega-embed; installed by CMake from dashboard/package-lock.json into the build tree) and
// the page's own template, script and style (dashboard/src). Found at run time in
// $FTBENCH_DASHBOARD_ASSETS_DIR, else in the build tree this binary was built from.

#include <filesystem>
#include <string>

namespace ftbench::report {

struct DashboardAssets {
  std::filesystem::path dir;
  std::string vega;        // vega.min.js
  std::string vega_lite;   // vega-lite.min.js
  std::string vega_embed;  // vega-embed.min.js
  std::string page;        // dashboard.html: the template with {{...}} slots
  std::string script;      // dashboard.js
  std::string style;       // dashboard.css
};

std::filesystem::path dashboard_assets_dir();
// Throws UserError naming the directory, the missing file and how to get it.
DashboardAssets load_dashboard_assets();

}  // namespace ftbench::report
