#pragma once
// results/index.html: every run directory under a results root, newest first, with date,
// config, machine, interpreters, status and links to its dashboard and other outputs.
// Plain HTML (no script): it opens anywhere and publishes as a static page.

#include <filesystem>
#include <string>
#include <vector>

namespace ftbench::report {

struct IndexEntry {
  std::string dir_name;             // the run directory, relative to the root
  std::string run_id;
  std::string created_at;
  std::string status;
  std::string config_name;
  std::string hostname;
  std::string cpu_model;
  std::vector<std::string> interpreters;  // "3.13t (3.13.5t, GIL off)"
  size_t planned = 0;
  size_t finished = 0;
  size_t failed = 0;
  std::vector<std::string> outputs;  // existing files among dashboard.html, summary.md, results.csv, results.json
  std::string problem;               // why the directory could not be read, when it could not
};

// Every subdirectory holding a manifest.json; unreadable ones are listed with their problem.
std::vector<IndexEntry> scan_results_root(const std::filesystem::path& root);
std::string index_html(const std::vector<IndexEntry>& entries, const std::filesystem::path& root);
// Writes root/index.html and returns its path.
std::filesystem::path write_index(const std::filesystem::path& root);

}  // namespace ftbench::report
