#pragma once
// history.html: one self-contained page beside the history database (the run dashboard's
// pinned chart libraries, script, style and data inlined; opens offline). Per series a time
// line of nightly medians with interval bands, change points and annotations; the
// free-threaded/default and PYTHON_GIL=1 ratios and scaling efficiency over time; the
// regressions table linking to each night's run dashboard. dashboard/src/history.js draws it
// from the data below (docs/history.md "history.html" describes the format).

#include <filesystem>
#include <string>

#include "history/store.h"

namespace ftbench::history {

// How much of the history the page draws. A box's own page draws everything; a fleet's page
// (ten machines, a year, the full suite: millions of points) draws a window, and the cells
// only where something happened, so it stays a page a browser opens.
struct PageOptions {
  int nights = 0;          // each machine's last N nights (0: all); nights with regressions always
  bool all_cells = true;   // false: only the time-per-op cells that have a regression
  // false on a fleet's page: a night's run directory is a path on its own box, not here.
  bool link_run_dirs = true;
};

// The page's data (JSON). Time-per-operation cells and the derived series; links to run
// dashboards are relative to `page_dir`.
std::string history_page_data(HistoryStore& store, const std::filesystem::path& page_dir, const PageOptions& options = {});

// Writes the page (atomically) and returns its path. Throws UserError when the dashboard
// assets are missing.
std::filesystem::path write_history_page(HistoryStore& store, const std::filesystem::path& file,
                                         const PageOptions& options = {});

}  // namespace ftbench::history
