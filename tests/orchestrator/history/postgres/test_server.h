#pragma once
// The PostgreSQL server a ctest fixture started for these tests (tests/e2e/postgres_server.py
// start DIR; FTBENCH_TEST_POSTGRES_DIR=DIR): each test gets a database of its own. Under ctest
// (FTBENCH_REQUIRE_POSTGRES=1) a missing server fails the test; run by hand without one, the
// tests skip.

#include <libpq-fe.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "util/json.h"

namespace ftbench::testing {

struct TestServer {
  std::string base;  // postgresql://ftbench@127.0.0.1:PORT
  std::string password;
};

inline std::optional<TestServer> test_server() {
  const char* dir = std::getenv("FTBENCH_TEST_POSTGRES_DIR");
  if (!dir || !*dir) return std::nullopt;
  std::ifstream in(std::string(dir) + "/server.json");
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  const auto doc = json::parse(text.str());
  if (!doc || !doc->IsObject()) return std::nullopt;
  TestServer s;
  const auto url = json::get_or<std::string>(*doc, "url", "");
  s.base = url.substr(0, url.rfind('/'));
  s.password = json::get_or<std::string>(*doc, "password", "");
  // libpq's own mechanism: the product never sees the password any other way.
  setenv("PGPASSWORD", s.password.c_str(), 1);
  return s;
}

// Runs one statement as the superuser on the `postgres` database; "" or libpq's error.
inline std::string admin(const TestServer& s, const std::string& sql) {
  PGconn* c = PQconnectdb((s.base + "/postgres").c_str());
  std::string error;
  PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);  // "does not exist, skipping"
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQresultErrorMessage(r);
    PQclear(r);
  }
  PQfinish(c);
  return error;
}

// A fresh, empty database named `name` (dropped first if an earlier run left it): its URL.
inline std::string fresh_database(const TestServer& s, const std::string& name) {
  const auto dropped = admin(s, "DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
  EXPECT_EQ(dropped, "");
  const auto created = admin(s, "CREATE DATABASE \"" + name + "\"");
  EXPECT_EQ(created, "");
  return s.base + "/" + name;
}

}  // namespace ftbench::testing

// At the top of each test: the server, or skip (by hand) / fail (under ctest).
#define FTBENCH_REQUIRE_POSTGRES(server)                                                                 \
  const auto server##_opt = ::ftbench::testing::test_server();                                          \
  if (!server##_opt) {                                                                                  \
    if (std::getenv("FTBENCH_REQUIRE_POSTGRES")) FAIL() << "no test PostgreSQL server (ctest fixture)"; \
    GTEST_SKIP() << "FTBENCH_TEST_POSTGRES_DIR not set: run under ctest";                               \
  }                                                                                                     \
  const auto& server = *server##_opt
