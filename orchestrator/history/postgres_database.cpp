// The fleet's shared store (docs/fleet.md): a PostgreSQL server through libpq, behind the
// same Database seam as the embedded SQLite file, so the schema, migrations and queries are
// written once (history/store.cpp). Statements are prepared once per connection; values go
// as text, binary data as bytea in binary form, so nothing is ever spliced into SQL.

#include <libpq-fe.h>

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>

#include "history/database.h"
#include "util/postgres_url.h"
#include "util/strings.h"

namespace ftbench::history {
namespace {

// Type oids from PostgreSQL's catalog (pg_type.dat): stable across server versions.
constexpr Oid kBoolOid = 16, kByteaOid = 17, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26,
              kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

// libpq's messages span lines ("...failed: Connection refused\n\tIs the server running...");
// the user gets one line.
std::string one_line(const char* message) {
  std::string out;
  std::string_view rest(message ? message : "");
  while (!rest.empty()) {
    const auto end = rest.find('\n');
    const auto t = util::trim(rest.substr(0, end));
    if (!t.empty()) out += (out.empty() ? "" : "; ") + std::string(t);
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  return out.empty() ? "unknown error" : out;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

std::string text_of(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  return fmt::format("{}", v);  // shortest text that reads back as the same double
}

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(const std::string& url) {
    // Checked before anything is shown: a URL with a password is never echoed.
    if (const auto problem = util::postgres_url_problem(url)) throw DatabaseError("the PostgreSQL URL: " + *problem);
    shown_ = url;
    // Ours go first: anything the URL sets (connect_timeout=30 ...) overrides them. A nightly
    // pushes while it holds its history's lock, so a server that stops answering must not hang
    // it: a dead peer is noticed by TCP keepalives and tcp_user_timeout (unacknowledged data).
    const char* keys[] = {"connect_timeout", "keepalives", "keepalives_idle", "keepalives_interval",
                          "keepalives_count", "tcp_user_timeout", "fallback_application_name", "dbname", nullptr};
    const char* values[] = {"10", "1", "30", "10", "3", "60000", "ftbench", url.c_str(), nullptr};
    conn_.reset(PQconnectdbParams(keys, values, 1));
    if (!conn_) throw DatabaseError("cannot connect to " + shown_ + ": out of memory");
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
      const auto why = one_line(PQerrorMessage(conn_.get()));
      throw DatabaseError("cannot connect to " + shown_ + ": " + why + connection_hint(why));
    }
    // Notices ("relation already exists, skipping") are not the user's business.
    PQsetNoticeProcessor(conn_.get(), [](void*, const char*) {}, nullptr);
    execute("SET client_min_messages = warning");
    // A server that is alive but stuck (a lock held by someone else) ends a statement too.
    execute("SET statement_timeout = '300s'");
    execute("SET lock_timeout = '60s'");
  }

  void execute(std::string_view sql) override { check(Result(PQexec(conn_.get(), std::string(sql).c_str())), sql); }

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    const auto r = exec(sql, params);
    std::vector<Row> rows;
    const int n = PQntuples(r.get()), columns = PQnfields(r.get());
    rows.reserve(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i) {
      Row row;
      row.values.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) row.values.push_back(value(r.get(), i, c));
      rows.push_back(std::move(row));
    }
    return rows;
  }

  int64_t run(std::string_view sql, const std::vector<Value>& params) override {
    const auto r = exec(sql, params);
    const char* changed = PQcmdTuples(r.get());
    return changed && *changed ? std::strtoll(changed, nullptr, 10) : 0;
  }

  void begin() override { execute("BEGIN"); }
  void commit() override { execute("COMMIT"); }
  void rollback() override {
    if (PQstatus(conn_.get()) == CONNECTION_OK) execute("ROLLBACK");
  }
  void lock(int64_t key) override { query("SELECT pg_advisory_xact_lock($1)", {key}); }

  int schema_version() override {
    if (!has_table("ftbench_schema")) return 0;
    const auto rows = query("SELECT version FROM ftbench_schema", {});
    return rows.empty() ? 0 : static_cast<int>(rows.front().integer(0));
  }
  void set_schema_version(int version) override {
    execute("CREATE TABLE IF NOT EXISTS ftbench_schema (version INTEGER NOT NULL)");
    execute("DELETE FROM ftbench_schema");
    run("INSERT INTO ftbench_schema (version) VALUES ($1)", {int64_t{version}});
  }
  bool is_foreign() override {
    // A shared server may hold other applications' tables; it is foreign only when tables with
    // our names exist without our version table (someone else's "nights"). One statement, one
    // snapshot: another box may be creating our tables at this very moment.
    const auto rows = query(
        "SELECT COUNT(*) FILTER (WHERE tablename = 'ftbench_schema'), COUNT(*) FILTER (WHERE tablename IN ('machines', "
        "'nights', 'series', 'points', 'regressions', 'annotations', 'change_points')) FROM pg_catalog.pg_tables WHERE "
        "schemaname = current_schema()",
        {});
    return rows.front().integer(0) == 0 && rows.front().integer(1) > 0;
  }
  void prepare_for_writing() override {}
  std::string describe() const override { return shown_; }
  std::string_view id_column() const override { return "BIGSERIAL PRIMARY KEY"; }
  std::string_view blob_type() const override { return "BYTEA"; }

 private:
  bool has_table(const char* name) {
    return !query("SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = $1 AND schemaname = current_schema()",
                  {std::string(name)})
                .empty();
  }

  static std::string connection_hint(const std::string& why) {
    if (why.find("password authentication failed") != std::string::npos ||
        why.find("no password supplied") != std::string::npos)
      return " (give the password through PGPASSWORD, ~/.pgpass or a service file)";
    if (why.find("Connection refused") != std::string::npos || why.find("could not translate host") != std::string::npos)
      return " (check the host, the port and that the server runs)";
    if (why.find("does not exist") != std::string::npos) return " (create it, or correct the URL)";
    return "";
  }

  Result exec(std::string_view sql, const std::vector<Value>& params) {
    const std::string& name = prepared(sql, static_cast<int>(params.size()));
    std::vector<std::string> texts(params.size());
    std::vector<const char*> pointers(params.size(), nullptr);
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              pointers[i] = nullptr;
            } else if constexpr (std::is_same_v<T, Blob>) {
              pointers[i] = reinterpret_cast<const char*>(v.data());
              lengths[i] = static_cast<int>(v.size());
              formats[i] = 1;  // bytea's binary form is the bytes themselves
            } else {
              if constexpr (std::is_same_v<T, int64_t>) texts[i] = std::to_string(v);
              else if constexpr (std::is_same_v<T, double>) texts[i] = text_of(v);
              else texts[i] = v;
              pointers[i] = texts[i].c_str();
            }
          },
          params[i]);
    }
    return check(Result(PQexecPrepared(conn_.get(), name.c_str(), static_cast<int>(params.size()), pointers.data(),
                                       lengths.data(), formats.data(), 0)),
                 sql);
  }

  const std::string& prepared(std::string_view sql, int params) {
    const std::string key(sql);
    auto it = statements_.find(key);
    if (it != statements_.end()) return it->second;
    const std::string name = "ftbench_" + std::to_string(statements_.size());
    check(Result(PQprepare(conn_.get(), name.c_str(), key.c_str(), params, nullptr)), sql);
    return statements_.emplace(key, name).first->second;
  }

  Result check(Result r, std::string_view sql) {
    const auto status = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return r;
    if (PQstatus(conn_.get()) != CONNECTION_OK)
      throw DatabaseError("the connection to " + shown_ + " was lost (" + one_line(PQerrorMessage(conn_.get())) +
                          "): nothing of the interrupted transaction was kept");
    const char* state = r ? PQresultErrorField(r.get(), PG_DIAG_SQLSTATE) : nullptr;
    const std::string why = one_line(r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn_.get()));
    if (state && std::string_view(state) == "53100") throw DatabaseError("the server's disk is full: " + why);
    if (state && std::string_view(state).substr(0, 2) == "42")  // syntax or access: ours, show the statement
      throw DatabaseError(why + " in: " + std::string(sql.substr(0, 200)));
    throw DatabaseError(why);
  }

  static Value value(const PGresult* r, int row, int column) {
    if (PQgetisnull(r, row, column)) return std::monostate{};
    const char* text = PQgetvalue(r, row, column);
    switch (PQftype(r, column)) {
      case kInt8Oid:
      case kInt4Oid:
      case kInt2Oid:
      case kOidOid: return static_cast<int64_t>(std::strtoll(text, nullptr, 10));
      case kBoolOid: return int64_t{text[0] == 't'};
      case kFloat8Oid:
      case kFloat4Oid:
      case kNumericOid: return std::strtod(text, nullptr);  // reads NaN and Infinity too
      case kByteaOid: {
        size_t length = 0;
        unsigned char* bytes = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &length);
        if (!bytes) return Blob{};
        Blob out(bytes, bytes + length);
        PQfreemem(bytes);
        return out;
      }
      default: return std::string(text, static_cast<size_t>(PQgetlength(r, row, column)));
    }
  }

  struct ConnectionDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
  };
  std::string shown_;
  std::unique_ptr<PGconn, ConnectionDeleter> conn_;
  std::map<std::string, std::string> statements_;  // sql -> prepared statement name
};

}  // namespace

std::unique_ptr<Database> open_postgres(const std::string& url) { return std::make_unique<PostgresDatabase>(url); }

}  // namespace ftbench::history
