// history/postgres_database.cpp on a real server, and the store's schema and migrations on
// it: the same SQL as the SQLite file, so the same answers.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "../../test_support.h"
#include "../nights.h"
#include "history/database.h"
#include "history/store.h"
#include "test_server.h"

using namespace ftbench;
using namespace ftbench::history;
using ftbench::testing::fresh_database;
using ftbench::testing::make_night;
using ftbench::testing::NightSpec;
using ftbench::testing::TempDir;

namespace {

// Every kind of value survives a round trip through both backends unchanged.
void round_trip(Database& db) {
  db.execute("CREATE TABLE t (i BIGINT, d DOUBLE PRECISION, s TEXT, b " + std::string(db.blob_type()) + ")");
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::vector<Value>> rows{
      {int64_t{-9'000'000'000'000}, 0.1, std::string("it's \"quoted\" ; DROP TABLE t; -- ü €"), Blob{0, 1, 255, 0}},
      {int64_t{0}, -inf, std::string(""), Blob{}},
      {int64_t{1}, 1e-300, std::string("$1"), Blob(100'000, 7)},
      {int64_t{2}, inf, std::monostate{}, std::monostate{}},
  };
  for (const auto& r : rows) db.run("INSERT INTO t (i, d, s, b) VALUES ($1, $2, $3, $4)", r);
  const auto back = db.query("SELECT i, d, s, b FROM t ORDER BY i");
  ASSERT_EQ(back.size(), rows.size());
  const std::vector<size_t> order{0, 1, 2, 3};
  EXPECT_EQ(back[0].integer(0), -9'000'000'000'000);
  EXPECT_EQ(back[0].real(1), 0.1);
  EXPECT_EQ(back[0].text(2), "it's \"quoted\" ; DROP TABLE t; -- ü €");
  EXPECT_EQ(back[0].blob(3), (Blob{0, 1, 255, 0}));
  EXPECT_EQ(back[1].real(1), -inf);
  EXPECT_EQ(back[1].text(2), "");
  EXPECT_TRUE(back[1].blob(3).empty());
  EXPECT_EQ(back[2].real(1), 1e-300);
  EXPECT_EQ(back[2].text(2), "$1");
  EXPECT_EQ(back[2].blob(3), Blob(100'000, 7));
  EXPECT_EQ(back[3].real(1), inf);
  EXPECT_TRUE(back[3].is_null(2));
  EXPECT_TRUE(back[3].is_null(3));
  EXPECT_EQ(db.run("UPDATE t SET s = $1 WHERE i >= $2", {std::string("x"), int64_t{1}}), 2);
}

TEST(PostgresDatabase, ValuesRoundTripAsOnSqlite) {
  FTBENCH_REQUIRE_POSTGRES(server);
  auto pg = open_postgres(fresh_database(server, "round_trip"));
  round_trip(*pg);
  TempDir dir;
  auto lite = open_sqlite(dir / "t.sqlite");
  round_trip(*lite);
}

TEST(PostgresDatabase, DescribeNeverShowsAPasswordAndAUrlWithOneIsRefused) {
  FTBENCH_REQUIRE_POSTGRES(server);
  const auto url = fresh_database(server, "describe");
  EXPECT_EQ(open_postgres(url)->describe(), url);
  const auto with_password = "postgresql://ftbench:" + server.password + "@" + url.substr(url.find("127.0.0.1"));
  try {
    open_postgres(with_password);
    FAIL() << "a URL with a password was accepted";
  } catch (const DatabaseError& e) {
    EXPECT_EQ(std::string(e.what()).find(server.password), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("PGPASSWORD"), std::string::npos) << e.what();
  }
}

TEST(PostgresDatabase, ATransactionRolledBackLeavesNothing) {
  FTBENCH_REQUIRE_POSTGRES(server);
  auto db = open_postgres(fresh_database(server, "rollback"));
  db->execute("CREATE TABLE t (i BIGINT PRIMARY KEY)");
  {
    Transaction t(*db);
    db->run("INSERT INTO t (i) VALUES ($1)", {int64_t{1}});
    EXPECT_THROW(db->run("INSERT INTO t (i) VALUES ($1)", {int64_t{1}}), DatabaseError);  // duplicate key
  }
  EXPECT_TRUE(db->query("SELECT i FROM t").empty());
  db->run("INSERT INTO t (i) VALUES ($1)", {int64_t{2}});  // the connection is usable again
  EXPECT_EQ(db->query("SELECT i FROM t").size(), 1u);
}

TEST(StoreOnPostgres, MigratesAFreshDatabaseAndIngestsLikeSqlite) {
  FTBENCH_REQUIRE_POSTGRES(server);
  auto pg = HistoryStore::open_url(fresh_database(server, "ingest"));
  EXPECT_EQ(pg.database().schema_version(), kHistorySchemaVersion);
  TempDir dir;
  auto lite = HistoryStore::open(dir / "h.sqlite");
  const auto night = make_night(NightSpec{});
  for (auto* store : {&pg, &lite}) {
    const auto first = store->ingest(night.manifest(), night.runs(), {"/results/x", "", false, ""});
    EXPECT_TRUE(first.added);
    EXPECT_FALSE(store->ingest(night.manifest(), night.runs(), {"/results/x", "", false, ""}).added);
  }
  const auto a = pg.series(), b = lite.series();
  ASSERT_EQ(a.size(), b.size());
  ASSERT_FALSE(a.empty());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].identity.key(), b[i].identity.key());
    const auto pa = pg.points(a[i].id), pb = lite.points(b[i].id);
    ASSERT_EQ(pa.size(), 1u);
    ASSERT_EQ(pb.size(), 1u);
    EXPECT_EQ(pa[0].value, pb[0].value);
    EXPECT_EQ(pa[0].raw, pb[0].raw);
    EXPECT_EQ(pa[0].units, pb[0].units);
    EXPECT_EQ(pa[0].raw_process, pb[0].raw_process);
  }
}

// The same migrations on both backends: a database left at every earlier version is brought
// to the current one with its rows kept.
TEST(StoreOnPostgres, UpgradesFromEveryEarlierSchemaVersion) {
  FTBENCH_REQUIRE_POSTGRES(server);
  for (int version = 1; version < kHistorySchemaVersion; ++version) {
    SCOPED_TRACE("from schema version " + std::to_string(version));
    const auto url = fresh_database(server, "upgrade_" + std::to_string(version));
    {
      auto db = open_postgres(url);
      for (int to = 1; to <= version; ++to)
        for (const auto& sql : migration_statements(to, *db)) db->execute(sql);
      db->set_schema_version(version);
      db->run("INSERT INTO machines (fingerprint, description) VALUES ($1, $2)",
              {std::string("f00d"), std::string("an old machine")});
      db->run("INSERT INTO nights (machine_id, run_id, created_at, ingested_at) VALUES (1, $1, $2, $2)",
              {std::string("20250101-023000-nightly"), std::string("2025-01-01T02:30:00Z")});
    }
    auto store = HistoryStore::open_url(url);
    EXPECT_EQ(store.database().schema_version(), kHistorySchemaVersion);
    ASSERT_EQ(store.nights().size(), 1u);
    EXPECT_EQ(store.nights().front().run_id, "20250101-023000-nightly");
    EXPECT_EQ(store.nights().front().machine_factor, 1.0);
  }
}

TEST(StoreOnPostgres, RefusesANewerSchemaAndForeignTablesWithoutChangingThem) {
  FTBENCH_REQUIRE_POSTGRES(server);
  const auto newer = fresh_database(server, "newer");
  {
    auto db = open_postgres(newer);
    db->set_schema_version(kHistorySchemaVersion + 5);
  }
  try {
    HistoryStore::open_url(newer);
    FAIL() << "a newer schema was accepted";
  } catch (const HistoryError& e) {
    EXPECT_NE(std::string(e.what()).find("newer than this orchestrate"), std::string::npos) << e.what();
  }
  EXPECT_EQ(open_postgres(newer)->schema_version(), kHistorySchemaVersion + 5);

  const auto foreign = fresh_database(server, "foreign");
  open_postgres(foreign)->execute("CREATE TABLE nights (sleep_hours INTEGER)");
  EXPECT_THROW(HistoryStore::open_url(foreign), HistoryError);
  EXPECT_EQ(open_postgres(foreign)->schema_version(), 0);
  // Unrelated tables of another application are fine: a shared server is shared.
  const auto shared = fresh_database(server, "shared");
  open_postgres(shared)->execute("CREATE TABLE invoices (id INTEGER)");
  EXPECT_EQ(HistoryStore::open_url(shared).database().schema_version(), kHistorySchemaVersion);
}

// Boxes that meet a new server at the same moment: one migrates, the others wait and find it done.
TEST(StoreOnPostgres, ConcurrentFirstConnectionsMigrateOnce) {
  FTBENCH_REQUIRE_POSTGRES(server);
  const auto url = fresh_database(server, "concurrent_migration");
  std::vector<std::thread> boxes;
  std::vector<std::string> errors(6);
  for (size_t i = 0; i < errors.size(); ++i)
    boxes.emplace_back([&, i] {
      try {
        HistoryStore::open_url(url);
      } catch (const std::exception& e) {
        errors[i] = e.what();
      }
    });
  for (auto& t : boxes) t.join();
  for (const auto& e : errors) EXPECT_EQ(e, "");
  auto db = open_postgres(url);
  EXPECT_EQ(db->schema_version(), kHistorySchemaVersion);
  EXPECT_EQ(db->query("SELECT COUNT(*) FROM ftbench_schema").front().integer(0), 1);
}

TEST(StoreOnPostgres, AnUnreachableServerIsOneLineWithoutThePassword) {
  FTBENCH_REQUIRE_POSTGRES(server);
  for (const std::string url : {"postgresql://ftbench@127.0.0.1:1/x", "postgresql://ftbench@no-such-host.invalid/x"}) {
    try {
      HistoryStore::open_url(url);
      FAIL() << url;
    } catch (const HistoryError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find('\n'), std::string::npos) << what;
      EXPECT_NE(what.find(url), std::string::npos) << what;
      EXPECT_EQ(what.find(server.password), std::string::npos) << what;
    }
  }
}

}  // namespace
