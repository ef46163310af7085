#include "history/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <regex>
#include <sstream>

#include "../test_support.h"
#include "nights.h"
#include "build_paths.h"  // generated: FTBENCH_SOURCE_DIR and friends

namespace fs = std::filesystem;
using namespace ftbench;
using namespace ftbench::history;
using ftbench::testing::make_night;
using ftbench::testing::NightSpec;
using ftbench::testing::TempDir;

namespace {

IngestOutcome ingest(HistoryStore& store, const ftbench::testing::SyntheticRun& night) {
  return store.ingest(night.manifest(), night.runs(), {"/results/" + night.manifest().run_id, "", false, ""});
}

std::string bytes_of(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs SQL on a file with SQLite itself, behind the store's back.
void sqlite_exec(const fs::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string why = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << why;
}

std::string open_error(const fs::path& file) {
  try {
    HistoryStore::open(file);
  } catch (const HistoryError& e) {
    return e.what();
  }
  return "";
}

const SeriesRecord* find(const std::vector<SeriesRecord>& all, SeriesKind kind, const std::string& interpreter,
                         const std::string& benchmark, int threads, const std::string& metric) {
  for (const auto& s : all)
    if (s.identity.kind == kind && s.identity.interpreter == interpreter && s.identity.benchmark == benchmark &&
        s.identity.threads == threads && s.identity.metric == metric)
      return &s;
  return nullptr;
}

}  // namespace

TEST(HistoryStore, ANewFileIsMarkedAsOursAtTheCurrentSchema) {
  TempDir dir;
  const auto file = dir / "history.sqlite";
  { auto store = HistoryStore::open(file); }
  auto store = HistoryStore::open(file);  // reopening an up-to-date file changes nothing
  EXPECT_EQ(store.database().schema_version(), kHistorySchemaVersion);
  EXPECT_FALSE(store.database().is_foreign());
  EXPECT_EQ(store.database().query("PRAGMA journal_mode").front().text(0), "wal");
  EXPECT_EQ(store.database().query("PRAGMA foreign_keys").front().integer(0), 1);
}

TEST(HistoryStore, IngestingARunTwiceStoresItOnce) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  const auto night = make_night({.day = 1});
  const auto first = ingest(store, night);
  EXPECT_TRUE(first.added);
  EXPECT_GT(first.points, 0u);
  const auto again = ingest(store, night);
  EXPECT_FALSE(again.added);
  EXPECT_EQ(again.night_id, first.night_id);
  EXPECT_EQ(store.nights().size(), 1u);
  EXPECT_EQ(store.database().query("SELECT COUNT(*) FROM points").front().integer(0),
            static_cast<int64_t>(first.points));
}

TEST(HistoryStore, KeepsEveryMeasuredIterationAndOneValuePerProcess) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  NightSpec spec{.day = 1};
  spec.processes = 4;
  spec.iterations = 6;
  ingest(store, make_night(spec));
  const auto all = store.series();
  const auto* time = find(all, SeriesKind::cell, "3.13t", "scaling/alpha", 2, "time_per_op");
  ASSERT_NE(time, nullptr);
  EXPECT_EQ(time->unit, "ns");
  const auto points = store.points(time->id);
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].units.size(), 4u);
  EXPECT_EQ(points[0].raw.size(), 24u);  // warm-ups are not measurements
  EXPECT_EQ(points[0].raw_process.size(), 24u);
  EXPECT_EQ(points[0].processes, 4);
  EXPECT_LE(points[0].low, points[0].value);
  EXPECT_GE(points[0].high, points[0].value);
  // CPU time per op is a series of its own.
  EXPECT_NE(find(all, SeriesKind::cell, "3.13t", "scaling/alpha", 2, "cpu_per_op"), nullptr);
}

TEST(HistoryStore, DerivesFreeThreadingGilSwitchAndScalingSeries) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  ingest(store, make_night({.day = 1}));
  const auto all = store.series();
  const auto* ft = find(all, SeriesKind::free_threading, "3.13t", "scaling/alpha", 2, "ratio");
  ASSERT_NE(ft, nullptr);
  EXPECT_EQ(ft->identity.reference, "3.13");
  // 3.13t at 2 threads: 1.25 x 2e6 / 2 against 3.13's 2e6 -> about 0.625.
  EXPECT_NEAR(store.points(ft->id).front().value, 0.625, 0.05);
  const auto* gil = find(all, SeriesKind::gil_switch, "3.13t+GIL", "scaling/alpha", 2, "ratio");
  ASSERT_NE(gil, nullptr);
  EXPECT_EQ(gil->identity.reference, "3.13t");
  const auto* scaling = find(all, SeriesKind::scaling, "3.13t", "scaling/alpha", 2, "efficiency");
  ASSERT_NE(scaling, nullptr);
  EXPECT_NEAR(store.points(scaling->id).front().value, 1.0, 0.1);
}

TEST(HistoryStore, ARebuiltBinaryOrARebootKeepsTheSeriesOtherFlagsOrAnotherCpuSplitIt) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  ingest(store, make_night({.day = 1}));
  const auto before = store.series().size();

  NightSpec rebuilt{.day = 2};
  rebuilt.sha_313t = "c3c3c3c3c3c3c3c3c3c3";  // same source and flags, another binary
  auto night2 = make_night(rebuilt);
  night2.manifest().machine.hostname = "renamed-host";
  night2.manifest().machine.boot_id = "11111111-1111-1111-1111-111111111111";
  ingest(store, night2);
  EXPECT_EQ(store.series().size(), before);
  ASSERT_EQ(store.machines().size(), 1u);
  const auto interps = store.night_interpreters(store.night_by_run(night2.manifest().run_id)->id);
  EXPECT_TRUE(std::any_of(interps.begin(), interps.end(), [](auto& i) { return i.sha256 == "c3c3c3c3c3c3c3c3c3c3"; }));

  auto night3 = make_night({.day = 3});
  night3.manifest().plan.interpreters[1].interpreter.configure_args += " '--enable-experimental-jit'";
  ingest(store, night3);
  EXPECT_GT(store.series().size(), before);

  auto night4 = make_night({.day = 4});
  night4.manifest().machine.cpu_model = "Another CPU";
  ingest(store, night4);
  EXPECT_EQ(store.machines().size(), 2u);
}

TEST(HistoryStore, RefusesARunThatDidNotFinish) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  auto night = make_night({.day = 1});
  night.manifest().status = results::RunState::interrupted;
  try {
    ingest(store, night);
    FAIL() << "an interrupted run was stored";
  } catch (const HistoryError& e) {
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(store.nights().empty());
}

TEST(HistoryStore, AForeignDatabaseIsRefusedAndLeftUntouched) {
  TempDir dir;
  const auto file = dir / "other.sqlite";
  sqlite_exec(file, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');");
  const auto bytes = bytes_of(file);
  EXPECT_NE(open_error(file).find("is not an ftbench history"), std::string::npos) << open_error(file);
  EXPECT_TRUE(bytes_of(file) == bytes) << "the file was changed";
}

TEST(HistoryStore, ANewerSchemaIsRefusedAndLeftUntouched) {
  TempDir dir;
  const auto file = dir / "h.sqlite";
  {
    auto store = HistoryStore::open(file);
    ingest(store, make_night({.day = 1}));
  }
  sqlite_exec(file, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = " + std::to_string(kHistorySchemaVersion + 1));
  const auto bytes = bytes_of(file);
  const auto error = open_error(file);
  EXPECT_NE(error.find("newer than this orchestrate"), std::string::npos) << error;
  EXPECT_TRUE(bytes_of(file) == bytes) << "the file was changed";
}

TEST(HistoryStore, AFileThatIsNotSqliteGivesOneLine) {
  TempDir dir;
  const auto file = dir / "h.sqlite";
  ftbench::testing::write_text(file, std::string(8192, 'x'));
  const auto error = open_error(file);
  EXPECT_NE(error.find("not a usable SQLite database"), std::string::npos) << error;
  EXPECT_EQ(error.find('\n'), std::string::npos);
}

TEST(HistoryStore, ACorruptedDatabaseFailsWithALineNotACrash) {
  TempDir dir;
  const auto file = dir / "h.sqlite";
  {
    auto store = HistoryStore::open(file);
    for (int d = 1; d <= 3; ++d) ingest(store, make_night({.day = d}));
    store.database().execute("PRAGMA wal_checkpoint(TRUNCATE)");
  }
  // Overwrite the middle of the file (data and index pages) with garbage.
  auto bytes = bytes_of(file);
  ASSERT_GT(bytes.size(), 16384u);
  for (size_t i = 8192; i < bytes.size() - 4096; i += 7) bytes[i] = static_cast<char>(0xA5);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << bytes;
  // Opening may already fail; if not, reading must, with a DatabaseError (a UserError: one line).
  try {
    auto store = HistoryStore::open(file);
    for (const auto& s : store.series()) store.points(s.id);
    store.ingest(make_night({.day = 4}).manifest(), make_night({.day = 4}).runs(), {"/r", "", false, ""});
    ADD_FAILURE() << "a corrupted database read and wrote without error";
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("malformed"), std::string::npos) << e.what();
  }
}

TEST(HistoryStore, ADiskThatFillsDuringIngestLosesNothingAlreadyStored) {
  TempDir dir;
  const auto file = dir / "h.sqlite";
  auto store = HistoryStore::open(file);
  ingest(store, make_night({.day = 1}));
  const auto points_before = store.database().query("SELECT COUNT(*) FROM points").front().integer(0);
  // SQLite's own size limit stands in for a full disk: the same SQLITE_FULL, at a known moment.
  const auto pages = store.database().query("PRAGMA page_count").front().integer(0);
  store.database().execute("PRAGMA max_page_count = " + std::to_string(pages));
  try {
    ingest(store, make_night({.day = 2}));
    FAIL() << "the ingest did not run out of space";
  } catch (const HistoryError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("disk is full"), std::string::npos) << what;
    EXPECT_NE(what.find("history import"), std::string::npos) << what;
  }
  EXPECT_EQ(store.nights().size(), 1u);  // nothing half stored
  EXPECT_EQ(store.database().query("SELECT COUNT(*) FROM points").front().integer(0), points_before);
  store.database().execute("PRAGMA max_page_count = 1073741823");
  EXPECT_TRUE(ingest(store, make_night({.day = 2})).added);  // the retry stores it
  EXPECT_EQ(store.nights().size(), 2u);
}

// Every schema version ever released has a fixture (tests/fixtures/history/schema-vN.sql, a
// dump with two nights); each must open and migrate to the current version with its data.
TEST(HistoryStore, UpgradesFromEveryEarlierSchemaVersion) {
  const fs::path fixtures = fs::path(FTBENCH_TEST_DATA_DIR) / "fixtures" / "history";
  int seen = 0;
  for (int version = 1; version <= kHistorySchemaVersion; ++version) {
    const auto sql_file = fixtures / ("schema-v" + std::to_string(version) + ".sql");
    ASSERT_TRUE(fs::exists(sql_file)) << "every released schema needs a fixture: " << sql_file;
    TempDir dir;
    const auto file = dir / "h.sqlite";
    sqlite_exec(file, bytes_of(sql_file));
    auto store = HistoryStore::open(file);
    EXPECT_EQ(store.database().schema_version(), kHistorySchemaVersion);
    EXPECT_EQ(store.nights().size(), 2u) << sql_file;
    for (const auto& n : store.nights()) EXPECT_EQ(n.machine_factor, 1.0) << "nights before schema 2 read as unmoved";
    size_t points = 0;
    for (const auto& s : store.series()) points += store.points(s.id).size();
    EXPECT_GT(points, 0u);
    EXPECT_TRUE(ingest(store, make_night({.day = 40})).added) << "a migrated history takes new nights";
    ++seen;
  }
  EXPECT_EQ(seen, kHistorySchemaVersion);
}

TEST(HistoryStore, RegressionsAnnotationsAndChangePointsRoundTrip) {
  TempDir dir;
  auto store = HistoryStore::open(dir / "h.sqlite");
  const auto n = ingest(store, make_night({.day = 1}));
  const auto s = store.series().front();
  RegressionRecord r;
  r.series_id = s.id;
  r.detected_night_id = n.night_id;
  r.first_bad_night_id = n.night_id;
  r.state = RegressionState::confirmed;
  r.ratio = 1.2;
  r.low = 1.1;
  r.high = 1.3;
  r.counters = R"(["cpu_per_op 1.19x"])";
  r.id = store.add_regression(r);
  EXPECT_EQ(store.add_regression(r), r.id);  // the same (series, night) is updated in place
  ASSERT_EQ(store.regressions().size(), 1u);
  auto back = store.regressions().front();
  EXPECT_EQ(back.state, RegressionState::confirmed);
  EXPECT_DOUBLE_EQ(back.ratio, 1.2);
  back.state = RegressionState::acknowledged;
  back.note = "known: new allocator";
  store.update_regression(back);
  EXPECT_EQ(store.regression(back.id)->note, "known: new allocator");
  EXPECT_TRUE(store.regressions(RegressionState::confirmed).empty());

  store.add_annotation({0, s.machine_id, "3.13t *", n.night_id, "expected_step", "switched to mimalloc", ""});
  ASSERT_EQ(store.annotations().size(), 1u);
  EXPECT_FALSE(store.annotations().front().created_at.empty());

  store.replace_change_points(s.id, {{s.id, n.night_id, 1.1, 1e-5}});
  store.replace_change_points(s.id, {{s.id, n.night_id, 1.2, 1e-6}});
  ASSERT_EQ(store.change_points(s.id).size(), 1u);
  EXPECT_DOUBLE_EQ(store.change_points(s.id).front().ratio, 1.2);
}
