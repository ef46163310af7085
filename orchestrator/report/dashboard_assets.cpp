#include "report/dashboard_assets.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "util/error.h"

namespace fs = std::filesystem;

#ifndef FTBENCH_DASHBOARD_ASSETS_DIR
#define FTBENCH_DASHBOARD_ASSETS_DIR ""
#endif

namespace ftbench::report {

fs::path dashboard_assets_dir() {
  if (const char* env = std::getenv("FTBENCH_DASHBOARD_ASSETS_DIR"); env && *env) return env;
  return FTBENCH_DASHBOARD_ASSETS_DIR;
}

DashboardAssets load_dashboard_assets(const std::string& page) {
  DashboardAssets a;
  a.dir = dashboard_assets_dir();
  auto read = [&](const std::string& name) {
    const auto path = a.dir / name;
    std::ifstream in(path, std::ios::binary);
    if (a.dir.empty() || !in)
      throw UserError("dashboard assets missing (" + (a.dir.empty() ? std::string("no assets directory") : path.string()) +
                      "): rebuild with `cmake --build <build dir> --target dashboard_assets` (needs npm and the npm "
                      "registry) or point FTBENCH_DASHBOARD_ASSETS_DIR at a directory holding them; the other "
                      "formats are written regardless");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  a.vega = read("vega.min.js");
  a.vega_lite = read("vega-lite.min.js");
  a.vega_embed = read("vega-embed.min.js");
  a.page = read("page.html");
  // The shared helpers and look first, the page's own after (it may override).
  a.script = read("common.js") + "\n" + read(page + ".js");
  a.style = read("common.css") + "\n" + read(page + ".css");
  return a;
}

}  // namespace ftbench::report
