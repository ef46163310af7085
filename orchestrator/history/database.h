#pragma once
// The history's storage seam: one connection to a SQL database, with positional parameters
// written $1, $2, ... in every statement. SqliteDatabase is the embedded default; a shared
// server for a fleet plugs in behind the same interface, so the schema, its migrations and
// every query are written once (history/store.cpp).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "util/error.h"

namespace ftbench::history {

using Blob = std::vector<uint8_t>;
// A value bound to a statement or read from a row.
using Value = std::variant<std::monostate, int64_t, double, std::string, Blob>;

struct Row {
  std::vector<Value> values;
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(values.at(i)); }
  int64_t integer(size_t i) const;
  double real(size_t i) const;
  std::string text(size_t i) const;
  const Blob& blob(size_t i) const;
  std::optional<int64_t> optional_integer(size_t i) const;
  std::optional<double> optional_real(size_t i) const;
};

// A database error: what failed and the database's own words, in one line. A UserError: a
// damaged file or a full disk is the user's to fix, and the message says how.
class DatabaseError : public UserError {
 public:
  using UserError::UserError;
};

class Database {
 public:
  virtual ~Database() = default;
  // Statements without parameters or rows (schema, pragmas).
  virtual void execute(std::string_view sql) = 0;
  virtual std::vector<Row> query(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  // A statement that changes rows; returns how many.
  virtual int64_t run(std::string_view sql, const std::vector<Value>& params = {}) = 0;
  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;
  // Inside a transaction: wait until no other connection holds `key` (boxes that meet a new
  // server at once, two pushes of one machine's change points). Released at commit or
  // rollback. SQLite's BEGIN IMMEDIATE already excludes every other writer.
  virtual void lock(int64_t key) { (void)key; }
  // The schema version stored in the database (0: an empty database) and whether it is one
  // of ours at all (a foreign database is refused, never changed).
  virtual int schema_version() = 0;
  virtual void set_schema_version(int version) = 0;
  virtual bool is_foreign() = 0;
  // Settings that change the file (SQLite's WAL journal): applied once the database is known
  // to be ours, so a foreign or newer file is left exactly as it was.
  virtual void prepare_for_writing() = 0;
  virtual std::string describe() const = 0;  // "history.sqlite" / "postgresql://host/db" (no password)
  // The column types that differ between backends: an auto-numbered key and binary data.
  virtual std::string_view id_column() const = 0;  // "INTEGER PRIMARY KEY" / "BIGSERIAL PRIMARY KEY"
  virtual std::string_view blob_type() const = 0;  // "BLOB" / "BYTEA"
};

// begin() now, rollback() at scope exit unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Database& db) : db_(db) { db_.begin(); }
  ~Transaction() {
    if (!done_) {
      try {
        db_.rollback();
      } catch (...) {  // a destructor must not throw; the database rolls back on close anyway
      }
    }
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    db_.commit();
    done_ = true;
  }

 private:
  Database& db_;
  bool done_ = false;
};

// Values <-> the portable byte form stored in blobs (little-endian IEEE doubles / int32).
Blob pack_doubles(const std::vector<double>& values);
std::vector<double> unpack_doubles(const Blob& blob);
Blob pack_ints(const std::vector<int>& values);
std::vector<int> unpack_ints(const Blob& blob);

// The embedded default: one SQLite file, WAL, foreign keys, a busy timeout. Throws
// DatabaseError with a one-line reason when the file cannot be opened.
std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file);

// Keys for Database::lock: one for migrations, one per machine for its change points.
inline constexpr int64_t kMigrationLockKey = 0x66746231;  // "ftb1", as the SQLite application_id
inline int64_t machine_lock_key(int64_t machine_id) { return (int64_t{0x66746232} << 32) + machine_id; }

// A fleet's shared store: a PostgreSQL server (postgresql://[user@]host[:port]/database). The
// password comes from libpq's own mechanisms only; a URL holding one is refused. Throws
// DatabaseError with one line (never the password) when the server cannot be reached.
std::unique_ptr<Database> open_postgres(const std::string& url);

}  // namespace ftbench::history
