// history.html's data (history_page_data) against histories built in code, and the ctest
// fixture that writes a year of synthetic nights for the page's browser test.

#include "history/history_page.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

#include "../test_support.h"
#include "history/store.h"
#include "synthetic_history.h"
#include "util/json.h"

namespace fs = std::filesystem;

namespace ftbench::testing {
namespace {

json::Document parse_page_data(const std::string& text) {
  std::string error;
  auto doc = json::parse(text, &error);
  EXPECT_TRUE(doc.has_value()) << error;
  return doc ? std::move(*doc) : json::Document{};
}

size_t shown_series(history::HistoryStore& store) {
  size_t n = 0;
  for (const auto& s : store.series())
    if (s.identity.kind != history::SeriesKind::cell || s.identity.metric == "time_per_op") ++n;
  return n;
}

TEST(HistoryPage, EveryNightSeriesAndPointIsInTheData) {
  TempDir dir;
  SyntheticHistoryOptions options;
  options.nights = 60;
  options.write_runs = false;
  const auto h = write_synthetic_history(dir.path(), options);
  auto store = history::HistoryStore::open(h.database);
  const auto doc = parse_page_data(history::history_page_data(store, dir.path()));
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["schema"].GetString(), "ftbench-history-page/1");
  ASSERT_EQ(doc["machines"].Size(), 1u);

  const auto& nights = doc["nights"];
  ASSERT_EQ(nights.Size(), 60u);
  int excluded = 0, linked = 0;
  std::set<int64_t> night_ids;
  for (const auto& n : nights.GetArray()) {
    night_ids.insert(n["id"].GetInt64());
    excluded += n["excluded"].GetBool();
    EXPECT_EQ(n["interpreters"].MemberCount(), 4u);
    EXPECT_EQ(std::string(n["interpreters"]["3.13t"]["commit"].GetString()).size(), 12u);
    EXPECT_STREQ(n["interpreters"]["3.12"]["commit"].GetString(), "");  // a distribution build: no commit
    const std::string link = n["dashboard"].GetString();
    const std::string run = n["run_id"].GetString();
    if (link.empty()) continue;
    ++linked;
    // Relative to the page, so the history directory can be moved or served as it is.
    EXPECT_NE(link.front(), '/') << link;
    EXPECT_EQ(link, "./results/" + run + "/dashboard.html");  // report::path_href
    EXPECT_TRUE(fs::exists(dir.path() / link)) << link;
    EXPECT_NE(run, h.pruned_run) << "a pruned night keeps no link";
  }
  EXPECT_EQ(excluded, h.excluded);
  EXPECT_EQ(linked, static_cast<int>(h.run_dirs.size()) - 1);  // all written, less the pruned one
  // Nights in time order.
  for (rapidjson::SizeType i = 1; i < nights.Size(); ++i)
    EXPECT_LT(std::string(nights[i - 1]["created_at"].GetString()), std::string(nights[i]["created_at"].GetString()));

  const auto& series = doc["series"];
  ASSERT_EQ(series.Size(), shown_series(store));
  std::map<std::string, int> kinds;
  size_t points = 0;
  for (const auto& s : series.GetArray()) {
    ++kinds[s["kind"].GetString()];
    if (std::string(s["kind"].GetString()) == "cell") {
      EXPECT_STREQ(s["metric"].GetString(), "time_per_op");
    }
    const auto stored = store.points(s["id"].GetInt64(), false);
    ASSERT_EQ(s["points"].Size(), stored.size()) << s["name"].GetString();
    for (rapidjson::SizeType i = 0; i < stored.size(); ++i) {
      const auto& p = s["points"][i];
      ASSERT_EQ(p.Size(), 5u);
      EXPECT_EQ(p[0].GetInt64(), stored[i].night_id);
      EXPECT_TRUE(night_ids.count(p[0].GetInt64()));
      EXPECT_NEAR(p[1].GetDouble(), stored[i].value, std::fabs(stored[i].value) * 1e-4);  // five significant digits
    }
    points += stored.size();
  }
  EXPECT_EQ(kinds["cell"], 4 * 5 * 3 + 4);        // 6 benchmarks, one of them single-thread only
  EXPECT_EQ(kinds["free_threading"], 5 * 3 + 1);  // 3.13t / 3.13
  EXPECT_EQ(kinds["gil_switch"], 5 * 3 + 1);      // 3.13t+GIL / 3.13t
  EXPECT_GT(kinds["scaling"], 0);
  EXPECT_GT(points, 60u * 100);

  EXPECT_GT(doc["change_points"].Size(), 0u);
  EXPECT_EQ(doc["annotations"].Size(), static_cast<rapidjson::SizeType>(h.annotations));
  const auto& regressions = doc["regressions"];
  ASSERT_EQ(regressions.Size(), static_cast<rapidjson::SizeType>(h.regressions));
  std::multiset<std::string> states;
  std::string previous = "9999";
  for (const auto& r : regressions.GetArray()) {
    const auto& v = r["view"];
    states.insert(v["state"].GetString());
    EXPECT_TRUE(night_ids.count(r["detected_night"].GetInt64()));
    EXPECT_TRUE(night_ids.count(r["first_bad_night"].GetInt64()));
    EXPECT_FALSE(std::string(v["series"].GetString()).empty());
    EXPECT_TRUE(v["counters"].IsArray());
    EXPECT_FALSE(std::string(v["display"]["line"].GetString()).empty());
    // Newest first.
    EXPECT_LE(std::string(v["detected_at"].GetString()), previous);
    previous = v["detected_at"].GetString();
  }
  EXPECT_EQ(states, std::multiset<std::string>(h.regression_states.begin(), h.regression_states.end()));
}

TEST(HistoryPage, AnEmptyHistoryGivesEmptyLists) {
  TempDir dir;
  auto store = history::HistoryStore::open(dir / "history.sqlite");
  const auto doc = parse_page_data(history::history_page_data(store, dir.path()));
  ASSERT_TRUE(doc.IsObject());
  for (const char* list : {"machines", "nights", "series", "change_points", "annotations", "regressions"}) {
    ASSERT_TRUE(doc[list].IsArray()) << list;
    EXPECT_EQ(doc[list].Size(), 0u) << list;
  }
}

// A night whose every process failed stores no series; a series seen once has one point.
TEST(HistoryPage, NightsWithoutSeriesAndSinglePointSeries) {
  TempDir dir;
  auto store = history::HistoryStore::open(dir / "history.sqlite");
  SyntheticHistoryOptions options;
  options.nights = 2;
  auto first = synthetic_night(0, options);
  store.ingest(first.manifest(), first.runs(), {dir / "absent", "", false, ""});
  SyntheticRun failed(night_run_id(1), 3);
  failed.manifest().created_at = night_created_at(1);
  failed.interpreter({"3.13", "3.13.5", false, true, {}, ""}).benchmark("baseline/cpu");
  failed.failure("3.13", "baseline/cpu", 1, 0, "timed out after 60 s (killed)");
  store.ingest(failed.manifest(), failed.runs(), {dir / "absent2", "", false, ""});

  const auto doc = parse_page_data(history::history_page_data(store, dir.path()));
  ASSERT_EQ(doc["nights"].Size(), 2u);
  EXPECT_STREQ(doc["nights"][1]["dashboard"].GetString(), "");  // its run directory is gone
  for (const auto& s : doc["series"].GetArray()) {
    EXPECT_EQ(s["points"].Size(), 1u);
    EXPECT_EQ(s["points"][0][0].GetInt64(), doc["nights"][0]["id"].GetInt64());
  }
}

// The ctest fixture `history_fixture`: with FTBENCH_SYNTHETIC_HISTORY_DIR set it writes a year
// of nights there (history.sqlite, results/<run>/dashboard.html for some nights) and an empty
// history (empty.sqlite) for the browser test; skipped otherwise.
TEST(HistoryYearFixture, WritesAYearOfNights) {
  const char* target = std::getenv("FTBENCH_SYNTHETIC_HISTORY_DIR");
  if (!(target && *target)) GTEST_SKIP() << "FTBENCH_SYNTHETIC_HISTORY_DIR not set (the history_fixture ctest sets it)";
  const fs::path dir(target);
  fs::remove_all(dir / "results");
  SyntheticHistoryOptions options;
  options.real_dashboards = true;
  const auto h = write_synthetic_history(dir, options);
  auto store = history::HistoryStore::open(h.database);
  EXPECT_EQ(store.nights().size(), 365u);
  size_t points = 0;
  const auto all = store.series();
  for (const auto& s : all) points += store.points(s.id, false).size();
  std::printf("synthetic history: %d nights, %zu series, %zu points, %d excluded, %d regressions (%d open), "
              "%zu change points, %d annotations; written in %.1f s; %s is %.1f MB\n",
              h.nights, all.size(), points, h.excluded, h.regressions, h.open_regressions, store.change_points().size(),
              h.annotations, h.seconds, h.database.c_str(),
              static_cast<double>(fs::file_size(h.database)) / 1e6);
  EXPECT_EQ(h.regressions, 6);
  EXPECT_GT(store.change_points().size(), 0u);

  std::error_code ec;
  fs::remove(dir / "empty.sqlite", ec);
  history::HistoryStore::open(dir / "empty.sqlite");
}

}  // namespace
}  // namespace ftbench::testing
