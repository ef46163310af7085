// The report formats, checked from outside: CSV read back as a CSV reader would, pyperf JSON
// against pyperf's documented structure and the checks its loader makes, Markdown and the
// terminal table for what a reader relies on, the HTML page's assembly and escaping.

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "report/analysis_json.h"
#include "report/csv_exporter.h"
#include "report/exporter.h"
#include "report/html_exporter.h"
#include "report/index_page.h"
#include "report/pyperf_exporter.h"
#include "report/report.h"
#include "report/run_compare.h"
#include "report/terminal_table.h"
#include "synthetic_run.h"
#include "util/error.h"
#include "os/files.h"

namespace fs = std::filesystem;

namespace ftbench::report {
namespace {

using testing::demo_run;

class TempDir {
 public:
  TempDir() : path_(fs::temp_directory_path() / ("ftbench-report-test-" + std::to_string(::getpid()) + "-" +
                                                 std::to_string(counter_++))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  static inline int counter_ = 0;
  fs::path path_;
};

const ReportModel& demo_model() {
  static const ReportModel model = [] {
    auto run = demo_run();
    return build_model(run.manifest(), run.runs());
  }();
  return model;
}

// RFC 4180 reader: quoted fields, doubled quotes, commas and newlines inside quotes.
std::vector<std::vector<std::string>> parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field), field.clear();
    } else if (c == '\n') {
      row.push_back(field), field.clear();
      rows.push_back(row), row.clear();
      any = false;
      continue;
    } else if (c != '\r') {
      field += c;
    }
    any = true;
  }
  if (any) row.push_back(field), rows.push_back(row);
  return rows;
}

TEST(CsvExport, RoundTripsEveryMeasurementInTidyForm) {
  const auto& model = demo_model();
  TempDir dir;
  const auto files = make_exporter(config::OutputFormat::csv)->write(model, dir.path());
  ASSERT_EQ(files.size(), 1u);
  const auto rows = parse_csv(os::read_file(files[0]));
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], csv_columns());
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < rows[0].size(); ++i) col[rows[0][i]] = i;

  // Expected rows: per iteration one region_ns, two per thread, one per counter; one per failure.
  size_t expected = 1;
  for (const auto& r : model.runs) {
    if (r.status == results::RunStatus::failed) {
      ++expected;
      continue;
    }
    for (const auto& it : r.iterations) expected += 1 + 2 * it.threads.size() + it.counters.size();
  }
  EXPECT_EQ(rows.size(), expected);
  for (const auto& row : rows) ASSERT_EQ(row.size(), csv_columns().size());

  // Values read back exactly, for the first run's first measured iteration.
  const auto& run = model.runs.front();
  const auto& it = run.iterations.at(1);
  bool found_region = false, found_counter = false, found_unsupported = false, found_failure = false;
  for (size_t i = 1; i < rows.size(); ++i) {
    const auto& row = rows[i];
    if (row[col["interpreter"]] == run.interpreter && row[col["benchmark"]] == run.benchmark &&
        row[col["threads"]] == std::to_string(run.threads) && row[col["process_index"]] == "0" &&
        row[col["iteration"]] == "1") {
      EXPECT_EQ(row[col["warmup"]], "false");
      EXPECT_EQ(row[col["ops"]], std::to_string(it.ops));
      EXPECT_EQ(row[col["run_id"]], model.manifest.run_id);
      if (row[col["metric"]] == "region_ns") {
        found_region = true;
        EXPECT_EQ(row[col["value"]], std::to_string(it.region_ns));
        EXPECT_EQ(row[col["unit"]], "ns");
      }
      if (row[col["metric"]] == "context-switches") {
        found_counter = true;
        EXPECT_EQ(std::stod(row[col["value"]]), it.counters[1].value);
        EXPECT_EQ(row[col["status"]], "counted");
      }
      if (row[col["metric"]] == "LLC-load-misses") {
        found_unsupported = true;
        EXPECT_EQ(row[col["value"]], "") << "a counter that was not counted is not a zero";
        EXPECT_EQ(row[col["status"]], "not_supported");
        EXPECT_NE(row[col["message"]].find("no PMU"), std::string::npos);
      }
    }
    if (row[col["metric"]] == "process") {
      found_failure = true;
      EXPECT_EQ(row[col["status"]], "failed");
      EXPECT_EQ(row[col["message"]], "timed out after 60 s (killed)");
    }
  }
  EXPECT_TRUE(found_region);
  EXPECT_TRUE(found_counter);
  EXPECT_TRUE(found_unsupported);
  EXPECT_TRUE(found_failure);
}

TEST(CsvExport, QuotesFieldsThatNeedIt) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(parse_csv("x,\"a,b\",\"q\"\"q\"\n")[0], (std::vector<std::string>{"x", "a,b", "q\"q"}));
}

// pyperf's loader (pyperf/_bench.py, _metadata.py) accepts a metadata value that is a
// non-empty single-line string, an int or a float; it checks known keys further.
void check_pyperf_metadata(const rapidjson::Value& m, const std::string& where) {
  ASSERT_TRUE(m.IsObject()) << where;
  for (const auto& kv : m.GetObject()) {
    const std::string key = kv.name.GetString();
    const auto& v = kv.value;
    const std::string at = where + "." + key;
    if (key == "tags") {
      ASSERT_TRUE(v.IsArray()) << at;
      for (const auto& t : v.GetArray()) {
        ASSERT_TRUE(t.IsString()) << at;
        EXPECT_NE(std::string(t.GetString()), "");
        EXPECT_NE(std::string(t.GetString()), "all");
      }
      continue;
    }
    ASSERT_TRUE(v.IsString() || v.IsNumber() || v.IsBool()) << at;
    if (v.IsString()) {
      const std::string s = v.GetString();
      EXPECT_FALSE(s.empty()) << at;
      EXPECT_EQ(s.find('\n'), std::string::npos) << at;
    }
    static const std::set<std::string> units{"second", "byte", "integer"};
    if (key == "loops" || key == "inner_loops") {
      EXPECT_TRUE(v.IsInt64() && v.GetInt64() >= 1) << at;
    }
    if (key == "unit") {
      EXPECT_TRUE(v.IsString() && units.count(v.GetString()) == 1) << at;
    }
    if (key == "duration") {
      EXPECT_TRUE(v.IsNumber() && v.GetDouble() >= 0) << at;
    }
    if (key == "date") {
      EXPECT_TRUE(v.IsString()) << at;
    }
  }
}

TEST(PyperfExport, MatchesPyperfsDocumentedStructure) {
  const auto& model = demo_model();
  const auto docs = pyperf_documents(model);
  ASSERT_EQ(docs.size(), 4u);
  EXPECT_EQ(docs[3].file_name, "3.13t_GIL.json");
  static const std::vector<std::string> checked{"aslr", "cpu_count", "cpu_model_name", "hostname", "inner_loops", "name",
                                                "platform", "python_executable", "python_implementation",
                                                "python_unicode", "python_version", "unit"};
  for (const auto& doc : docs) {
    rapidjson::Document d;
    d.Parse(doc.json.c_str());
    ASSERT_FALSE(d.HasParseError()) << doc.file_name;
    ASSERT_TRUE(d.IsObject());
    ASSERT_TRUE(d.HasMember("version"));
    EXPECT_STREQ(d["version"].GetString(), "1.0");
    ASSERT_TRUE(d.HasMember("metadata"));
    check_pyperf_metadata(d["metadata"], doc.file_name);
    EXPECT_STREQ(d["metadata"]["unit"].GetString(), "second");
    EXPECT_EQ(d["metadata"]["loops"].GetInt(), 1);
    for (const char* key : {"python_version", "python_implementation", "python_executable", "cpu_model_name", "hostname",
                            "platform", "free_threaded_build", "gil_enabled"})
      EXPECT_TRUE(d["metadata"].HasMember(key)) << doc.file_name << " lacks " << key;
    ASSERT_TRUE(d["benchmarks"].IsArray());
    ASSERT_GT(d["benchmarks"].Size(), 0u);
    std::set<std::string> names;
    for (const auto& b : d["benchmarks"].GetArray()) {
      ASSERT_TRUE(b.HasMember("metadata"));
      check_pyperf_metadata(b["metadata"], doc.file_name);
      ASSERT_TRUE(b["metadata"].HasMember("name"));
      const std::string name = b["metadata"]["name"].GetString();
      EXPECT_TRUE(names.insert(name).second) << "duplicate benchmark " << name;
      EXPECT_NE(name.find("[threads="), std::string::npos);
      ASSERT_TRUE(b["runs"].IsArray());
      ASSERT_GT(b["runs"].Size(), 0u);
      for (const auto& r : b["runs"].GetArray()) {
        if (r.HasMember("metadata")) {
          check_pyperf_metadata(r["metadata"], name);
          for (const auto& k : checked) {
            EXPECT_FALSE(r["metadata"].HasMember(k.c_str())) << k << " must agree across runs";
          }
        }
        const bool has_values = r.HasMember("values") && r["values"].Size() > 0;
        const bool has_warmups = r.HasMember("warmups") && r["warmups"].Size() > 0;
        EXPECT_TRUE(has_values || has_warmups);
        if (r.HasMember("values")) {
          for (const auto& v : r["values"].GetArray()) {
            EXPECT_TRUE(v.IsNumber() && v.GetDouble() > 0);
          }
        }
        if (r.HasMember("warmups"))
          for (const auto& w : r["warmups"].GetArray()) {
            ASSERT_TRUE(w.IsArray() && w.Size() == 2);
            EXPECT_TRUE(w[0].IsInt() && w[0].GetInt() >= 1);
            EXPECT_TRUE(w[1].IsNumber() && w[1].GetDouble() >= 0);
          }
      }
    }
  }
}

TEST(PyperfExport, ValuesAreSecondsPerOperationWithInnerLoops) {
  const auto& model = demo_model();
  const auto docs = pyperf_documents(model);
  rapidjson::Document d;
  d.Parse(docs[0].json.c_str());
  const auto& run = model.runs.front();  // 3.12, process 0 of the first cell written
  const std::string name = run.benchmark + "[threads=" + std::to_string(run.threads) + "]";
  bool found = false;
  for (const auto& b : d["benchmarks"].GetArray()) {
    if (name != b["metadata"]["name"].GetString()) continue;
    found = true;
    const auto ops = b["metadata"]["inner_loops"].GetInt64();
    EXPECT_EQ(ops, run.iterations[1].ops);
    const auto& first = b["runs"][0];
    // pyperf's raw value = value * loops * inner_loops = the iteration time in seconds.
    EXPECT_NEAR(first["values"][0].GetDouble() * static_cast<double>(ops), static_cast<double>(run.iterations[1].region_ns) * 1e-9,
                1e-15);
    EXPECT_NEAR(first["warmups"][0][1].GetDouble() * static_cast<double>(ops),
                static_cast<double>(run.iterations[0].region_ns) * 1e-9, 1e-15);
    EXPECT_EQ(first["values"].Size(), run.iterations.size() - 1);
  }
  EXPECT_TRUE(found) << name;
}

TEST(MarkdownAndTerminal, MarkInsignificantDifferencesAsSuch) {
  const auto& model = demo_model();
  const auto table = summary_table(model);
  EXPECT_NE(table.find("(n.s.)"), std::string::npos) << "3.13 vs 3.12 on baseline/cpu has the same distribution";
  EXPECT_NE(table.find("slower"), std::string::npos);
  EXPECT_NE(table.find("Key findings"), std::string::npos);
  EXPECT_EQ(table.find("\x1b["), std::string::npos) << "no colour codes";
  EXPECT_NE(table.find("timed out after 60 s"), std::string::npos);
  TempDir dir;
  const auto files = make_exporter(config::OutputFormat::markdown)->write(model, dir.path());
  const auto md = os::read_file(files.at(0));
  EXPECT_NE(md.find("| benchmark | threads |"), std::string::npos);
  EXPECT_NE(md.find("(n.s.)"), std::string::npos);
  EXPECT_NE(md.find("LLC-load-misses: not_supported in every cell: no PMU"), std::string::npos);
  EXPECT_NE(md.find("## Scaling"), std::string::npos);
  EXPECT_NE(md.find("## Failed processes"), std::string::npos);
}

TEST(AnalysisJson, IsValidJsonWithoutNaN) {
  const auto text = analysis_json(demo_model(), {false, true});
  rapidjson::Document d;
  d.Parse(text.c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_STREQ(d["schema"].GetString(), "ftbench-analysis");
  EXPECT_TRUE(d["findings"].IsArray());
  EXPECT_GT(d["cells"].Size(), 0u);
  EXPECT_EQ(text.find("NaN"), std::string::npos);
  EXPECT_EQ(text.find("Infinity"), std::string::npos);
}

TEST(HtmlExport, EscapesScriptEndingsAndFillsTheTemplateOnce) {
  EXPECT_EQ(json_for_script(R"({"a":"</script><!--"})"), R"({"a":"\u003c/script>\u003c!--"})");
  EXPECT_EQ(js_for_script("x = '</SCRIPT>'; y = '<!-- z'; w = a</b"), "x = '<\\/SCRIPT>'; y = '<\\!-- z'; w = a</b");
  EXPECT_EQ(fill_template("<t>{{A}}</t>{{B}}{{C}}", {{"A", "{{B}}"}, {"B", "b"}}), "<t>{{B}}</t>b{{C}}");
  EXPECT_EQ(html_escape("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST(HtmlExport, PathHrefsStayPathsToFiles) {
  EXPECT_EQ(path_href("20261128-120000-demo/dashboard.html"), "./20261128-120000-demo/dashboard.html");
  EXPECT_EQ(path_href("javascript:alert(1)/dashboard.html"), "./javascript%3Aalert%281%29/dashboard.html");
  EXPECT_EQ(path_href("/abs/run/dashboard.html"), "/abs/run/dashboard.html");
  EXPECT_EQ(path_href("../results/x#y?z=1 \"'<>&/d.html"), "./../results/x%23y%3Fz%3D1%20%22%27%3C%3E%26/d.html");
  EXPECT_EQ(path_href("\xc3\xbc\n"), "./%C3%BC%0A");
  EXPECT_EQ(html_escape(path_href("a\"b<c")), path_href("a\"b<c"));  // attribute-safe as it is
}

TEST(HtmlExport, InlinesLibrariesScriptAndData) {
  DashboardAssets assets;
  assets.page = "<html><title>{{TITLE}}</title><style>{{STYLE}}</style><noscript>{{NOSCRIPT}}</noscript><script id=d type=application/json>{{DATA}}"
                "</script><script>{{VEGA}}</script><script>{{VEGA_LITE}}</script><script>{{VEGA_EMBED}}</script>"
                "<script>{{APP}}</script></html>";
  assets.vega = "var vega='VEGA-LIB';";
  assets.vega_lite = "var vl='VL-LIB';";
  assets.vega_embed = "var ve='EMBED-LIB';";
  assets.script = "var app='APP';";
  assets.style = "body{}";
  const auto html = dashboard_html(demo_model(), assets);
  for (const char* part : {"VEGA-LIB", "VL-LIB", "EMBED-LIB", "var app='APP'", "body{}", "ftbench 20261128-120000-demo",
                           "\"schema\":\"ftbench-analysis\""})
    EXPECT_NE(html.find(part), std::string::npos) << part;
  EXPECT_EQ(html.find("{{"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos) << "nothing to fetch: the page works offline";
}

TEST(Reports, MissingDashboardAssetsFailOnlyTheHtmlFormatWithAClearError) {
  TempDir dir, empty;
  ::setenv("FTBENCH_DASHBOARD_ASSETS_DIR", empty.path().c_str(), 1);
  const auto outcome = write_reports(demo_model(), dir.path(), config::all_output_formats(), dir.path());
  ::unsetenv("FTBENCH_DASHBOARD_ASSETS_DIR");
  ASSERT_EQ(outcome.errors.size(), 1u);
  EXPECT_EQ(outcome.errors[0].rfind("html: dashboard assets missing", 0), 0u) << outcome.errors[0];
  EXPECT_NE(outcome.errors[0].find("cmake --build"), std::string::npos) << "says how to fix it";
  EXPECT_FALSE(outcome.dashboard.has_value());
  for (const char* f : {"results.json", "analysis.json", "results.csv", "summary.md", "pyperf/3.13t.json"})
    EXPECT_TRUE(fs::exists(dir.path() / f)) << f;
}

TEST(Reports, AHalfWrittenIndexOfAKilledSessionIsRemoved) {
  // The results root's temporaries are the reports' to sweep (the run directory's are the
  // loader's: RunStoreRecovery.RepairRemovesTheTemporariesOfADeadWriter).
  TempDir root;
  const auto run_dir = root.path() / "20261128-120000-demo";
  const auto other_run = root.path() / "20261127-120000-demo";
  fs::create_directories(run_dir);
  fs::create_directories(other_run);
  const pid_t dead = ::fork();
  if (dead == 0) ::_exit(0);
  ::waitpid(dead, nullptr, 0);
  const auto stale = ".tmp." + std::to_string(dead);
  const auto live = ".tmp." + std::to_string(::getppid());  // alive, and not this writer
  for (const auto& f : {root.path() / (".index.html" + stale), root.path() / (".index.html" + live),
                        other_run / (".results.json" + stale)})
    os::write_file_atomically(f, "half");
  const auto outcome = write_reports(demo_model(), run_dir, {config::OutputFormat::csv}, root.path());
  EXPECT_TRUE(outcome.errors.empty());
  EXPECT_FALSE(fs::exists(root.path() / (".index.html" + stale)));
  EXPECT_TRUE(fs::exists(root.path() / (".index.html" + live))) << "a live writer's temporary stays";
  EXPECT_TRUE(fs::exists(other_run / (".results.json" + stale))) << "another run directory is not this session's";
}

TEST(Reports, UnknownFormatsAreRejectedWithTheValidOnes) {
  using config::OutputFormat;
  EXPECT_EQ(config::parse_output_formats({"json,csv", "csv", "markdown"}),
            (std::vector{OutputFormat::json, OutputFormat::csv, OutputFormat::markdown}));
  try {
    config::parse_output_formats({"json,xml"});
    FAIL() << "xml accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("known: json, csv, markdown, html, pyperf"), std::string::npos) << e.what();
  }
}

TEST(IndexPage, ListsRunsNewestFirstWithLinks) {
  TempDir root;
  auto older = demo_run();
  older.manifest().run_id = "20261127-120000-demo";
  older.manifest().created_at = "2026-11-27T12:00:00Z";
  older.write(root.path());
  const auto newer_dir = demo_run().write(root.path());
  os::write_file_atomically(newer_dir / "dashboard.html", "<html></html>");
  fs::create_directories(root.path() / "not-a-run");
  const auto entries = scan_results_root(root.path());
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].run_id, "20261128-120000-demo");
  EXPECT_EQ(entries[0].failed, 1u);
  EXPECT_EQ(entries[0].planned, demo_run().runs().size());
  EXPECT_EQ(entries[0].interpreters.size(), 4u);
  const auto html = os::read_file(write_index(root.path()));
  EXPECT_NE(html.find("href=\"./20261128-120000-demo/dashboard.html\""), std::string::npos);
  EXPECT_NE(html.find("20261127-120000-demo"), std::string::npos);
  EXPECT_LT(html.find("20261128-120000-demo"), html.find("20261127-120000-demo"));
}

TEST(RunCompare, ComparesTwoStoredRuns) {
  TempDir root;
  auto a = demo_run(1);
  auto b = demo_run(2);
  b.manifest().run_id = "20261129-120000-demo";
  const auto dir_a = a.write(root.path());
  const auto dir_b = b.write(root.path());
  const auto cmp = compare_run_dirs(dir_a, dir_b);
  EXPECT_EQ(cmp.run_a, "20261128-120000-demo");
  EXPECT_EQ(cmp.run_b, "20261129-120000-demo");
  EXPECT_FALSE(cmp.rows.empty());
  // Same distributions, different seeds: few rows should be significant (5 % expected).
  size_t significant = 0;
  for (const auto& r : cmp.rows) significant += r.time.significant;
  EXPECT_LT(significant, cmp.rows.size() / 4);
  const auto text = run_comparison_text(cmp);
  EXPECT_NE(text.find("(n.s.)"), std::string::npos);
  const auto md = run_comparison_markdown(cmp);
  EXPECT_NE(md.find("| interpreter | benchmark |"), std::string::npos);
  rapidjson::Document d;
  d.Parse(run_comparison_json(cmp).c_str());
  ASSERT_FALSE(d.HasParseError());
  EXPECT_EQ(d["rows"].Size(), cmp.rows.size());
}

}  // namespace
}  // namespace ftbench::report

TEST(Exporters, EveryConfigFormatHasItsOwnExporter) {
  for (const auto format : ftbench::config::all_output_formats())
    EXPECT_EQ(ftbench::report::make_exporter(format)->format(), format) << ftbench::util::name(format);
}
