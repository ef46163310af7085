#include "report/index_page.h"

#include <algorithm>

#include "report/html_exporter.h"
#include "results/run_store.h"
#include "util/error.h"
#include "os/files.h"
#include "util/json.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

// Counts from analysis.json when the report wrote one (cheap), else from the run files.
void read_counts(const fs::path& dir, const results::RunStore& store, IndexEntry& e) {
  std::error_code ec;
  const auto analysis = dir / "analysis.json";
  if (fs::exists(analysis, ec)) {
    const auto doc = json::parse(os::read_file(analysis));
    if (const auto* counts = doc ? json::member(*doc, "counts") : nullptr;
        counts && json::get(*counts, "finished", e.finished)) {
      json::get(*counts, "failed", e.failed);
      return;
    }
  }
  for (const auto& r : store.load_runs()) {
    ++e.finished;
    if (r.status == results::RunStatus::failed) ++e.failed;
  }
}

}  // namespace

std::vector<IndexEntry> scan_results_root(const fs::path& root) {
  std::vector<IndexEntry> entries;
  std::error_code ec;
  for (const auto& d : fs::directory_iterator(root, ec)) {
    if (!d.is_directory(ec) || !fs::exists(d.path() / "manifest.json", ec)) continue;
    IndexEntry e;
    e.dir_name = d.path().filename().string();
    e.run_id = e.dir_name;
    try {
      auto store = results::RunStore::open(d.path());
      const auto m = store.read_manifest();
      if (!m.run_id.empty()) e.run_id = m.run_id;
      e.created_at = m.created_at;
      e.status = util::name_string(m.status);
      e.config_name = m.config_name;
      e.hostname = m.machine.hostname;
      e.cpu_model = m.machine.cpu_model;
      e.planned = m.plan.items.size();
      for (const auto& i : m.plan.interpreters)
        e.interpreters.push_back(i.label + " (" + i.interpreter.short_name() + ", GIL " +
                                 (i.expected_gil_enabled() ? "on" : "off") + ")" + (i.baseline ? " baseline" : ""));
      read_counts(d.path(), store, e);
    } catch (const std::exception& ex) {
      e.problem = ex.what();
    }
    for (const char* f : {"dashboard.html", "summary.md", "results.csv", "results.json"})
      if (fs::exists(d.path() / f, ec)) e.outputs.push_back(f);
    entries.push_back(std::move(e));
  }
  std::sort(entries.begin(), entries.end(), [](const IndexEntry& a, const IndexEntry& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.dir_name > b.dir_name;
  });
  return entries;
}

std::string index_html(const std::vector<IndexEntry>& entries, const fs::path& root) {
  std::string out = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ftbench results</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}p.sub{color:#57606a;margin:0 0 1.25rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.45rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa;font-weight:600}tr:hover td{background:#f6f8fa}
.status{display:inline-block;padding:0 .45rem;border-radius:1rem;font-size:12px;font-weight:600}
.complete{background:#dafbe1;color:#116329}.interrupted,.running{background:#fff8c5;color:#7d4e00}.failed,.unreadable{background:#ffebe9;color:#a40e26}
.small{color:#57606a;font-size:12px}a{color:#0969da;text-decoration:none}a:hover{text-decoration:underline}
ul{margin:0;padding-left:1rem}
</style></head><body>
<h1>ftbench results</h1>
)";
  out += "<p class=\"sub\">" + std::to_string(entries.size()) + " runs in <code>" + html_escape(root.string()) +
         "</code>, newest first. Each run links to its self-contained dashboard.</p>\n";
  out += "<table><thead><tr><th>Run</th><th>Date (UTC)</th><th>Config</th><th>Machine</th><th>Interpreters</th>"
         "<th>Status</th><th>Outputs</th></tr></thead><tbody>\n";
  for (const auto& e : entries) {
    const std::string link = e.dir_name + "/" + (e.outputs.empty() ? std::string("") : e.outputs.front());
    out += "<tr><td><a href=\"" + path_href(link) + "\">" + html_escape(e.run_id) + "</a></td>";
    std::string date = e.created_at;
    std::replace(date.begin(), date.end(), 'T', ' ');
    if (!date.empty() && date.back() == 'Z') date.pop_back();
    out += "<td>" + html_escape(date) + "</td><td>" + html_escape(e.config_name) + "</td>";
    out += "<td>" + html_escape(e.hostname) + "<div class=\"small\">" + html_escape(e.cpu_model) + "</div></td><td><ul>";
    for (const auto& i : e.interpreters) out += "<li>" + html_escape(i) + "</li>";
    out += "</ul></td><td>";
    if (!e.problem.empty()) {
      out += "<span class=\"status unreadable\">unreadable</span><div class=\"small\">" + html_escape(e.problem) + "</div>";
    } else {
      const std::string cls = e.failed ? "failed" : e.status;
      out += "<span class=\"status " + html_escape(cls) + "\">" + html_escape(e.status) + "</span><div class=\"small\">" +
             std::to_string(e.finished) + "/" + std::to_string(e.planned) + " processes" +
             (e.failed ? ", " + std::to_string(e.failed) + " failed" : "") + "</div>";
    }
    out += "</td><td>";
    for (const auto& f : e.outputs) out += "<a href=\"" + path_href(e.dir_name + "/" + f) + "\">" + html_escape(f) + "</a><br>";
    out += "</td></tr>\n";
  }
  out += "</tbody></table>\n</body></html>\n";
  return out;
}

fs::path write_index(const fs::path& root) {
  const auto path = root / "index.html";
  os::write_file_atomically(path, index_html(scan_results_root(root), root));
  return path;
}

}  // namespace ftbench::report
