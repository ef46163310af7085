#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "history/database.h"

namespace ftbench::history {
namespace {

// "ftb1": marks a SQLite file as an ftbench history (PRAGMA application_id).
constexpr int kApplicationId = 0x66746231;

// "the disk is full" / "the file system is read-only" when that is why SQLite's last call
// failed (an I/O error whose errno says so included), else nullptr.
const char* storage_problem(sqlite3* db) {
  const int code = sqlite3_extended_errcode(db) & 0xff;
  const int os_error = sqlite3_system_errno(db);
  if (code == SQLITE_FULL || (code == SQLITE_IOERR && (os_error == ENOSPC || os_error == EDQUOT)))
    return "the disk is full";
  if (code == SQLITE_READONLY || (code == SQLITE_IOERR && os_error == EROFS)) return "the file system is read-only";
  return nullptr;
}

void throw_if_storage(sqlite3* db, const std::string& why) {
  if (const char* problem = storage_problem(db))
    throw DatabaseError(std::string(problem) + " (" + why +
                        "): the history is unchanged (SQLite rolled back); free space or make it writable and try again");
}

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr) !=
        SQLITE_OK) {
      throw_if_storage(db, sqlite3_errmsg(db));
      throw DatabaseError(std::string(sqlite3_errmsg(db)) + " in: " + std::string(sql.substr(0, 200)));
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::filesystem::path file) : file_(std::move(file)) {
    if (sqlite3_open_v2(file_.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
      sqlite3_close(db_);
      db_ = nullptr;
      throw DatabaseError("cannot open " + file_.string() + ": " + why);
    }
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 10'000);  // another reader or a concurrent import: wait, do not fail
    // A file that is not SQLite at all fails here, with SQLite's "file is not a database".
    try {
      execute("PRAGMA foreign_keys = ON");
      query("SELECT COUNT(*) FROM sqlite_master", {});
    } catch (const DatabaseError& e) {
      const bool storage = storage_problem(db_) != nullptr;
      sqlite3_close(db_);
      db_ = nullptr;
      // A full or read-only disk is not a damaged file (WAL needs room for its -wal and -shm).
      if (storage) throw DatabaseError(file_.string() + ": " + e.what());
      throw DatabaseError(file_.string() + " is not a usable SQLite database: " + e.what());
    }
  }
  ~SqliteDatabase() override {
    statements_.clear();
    sqlite3_close(db_);
  }

  void execute(std::string_view sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      const std::string why = error ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      throw_error(why, sqlite3_extended_errcode(db_));
    }
  }

  std::vector<Row> query(std::string_view sql, const std::vector<Value>& params) override {
    auto* stmt = prepare(sql, params);
    std::vector<Row> rows;
    while (true) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) fail(stmt);
      Row row;
      const int n = sqlite3_column_count(stmt);
      row.values.reserve(static_cast<size_t>(n));
      for (int i = 0; i < n; ++i) row.values.push_back(column(stmt, i));
      rows.push_back(std::move(row));
    }
    sqlite3_reset(stmt);
    return rows;
  }

  int64_t run(std::string_view sql, const std::vector<Value>& params) override {
    auto* stmt = prepare(sql, params);
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    if (rc != SQLITE_DONE) fail(stmt);
    sqlite3_reset(stmt);
    return sqlite3_changes64(db_);
  }

  void begin() override { execute("BEGIN IMMEDIATE"); }  // take the write lock now: no deadlock later
  void commit() override { execute("COMMIT"); }
  void rollback() override { execute("ROLLBACK"); }

  int schema_version() override { return static_cast<int>(pragma("user_version")); }
  void set_schema_version(int version) override {
    execute("PRAGMA user_version = " + std::to_string(version));
    execute("PRAGMA application_id = " + std::to_string(kApplicationId));
  }
  bool is_foreign() override {
    const auto app = pragma("application_id");
    if (app == kApplicationId) return false;
    if (app != 0) return true;
    // No mark: ours only if it is empty (a new file).
    return !query("SELECT name FROM sqlite_master LIMIT 1", {}).empty();
  }
  void prepare_for_writing() override {
    execute("PRAGMA journal_mode = WAL");  // readers never block the nightly writer
    execute("PRAGMA synchronous = NORMAL");
  }
  std::string describe() const override { return file_.string(); }
  std::string_view id_column() const override { return "INTEGER PRIMARY KEY"; }
  std::string_view blob_type() const override { return "BLOB"; }

 private:
  int64_t pragma(const std::string& name) {
    const auto rows = query("PRAGMA " + name, {});
    return rows.empty() ? 0 : rows.front().integer(0);
  }

  sqlite3_stmt* prepare(std::string_view sql, const std::vector<Value>& params) {
    auto it = statements_.find(std::string(sql));
    if (it == statements_.end()) it = statements_.emplace(std::string(sql), std::make_unique<Statement>(db_, sql)).first;
    auto* stmt = it->second->get();
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (size_t i = 0; i < params.size(); ++i) {
      // $1, $2 ...: bound by name, so their order in the text does not matter.
      const int index = sqlite3_bind_parameter_index(stmt, ("$" + std::to_string(i + 1)).c_str());
      if (index == 0) continue;  // not used by this statement
      int rc = SQLITE_OK;
      std::visit(
          [&](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) rc = sqlite3_bind_null(stmt, index);
            else if constexpr (std::is_same_v<T, int64_t>) rc = sqlite3_bind_int64(stmt, index, v);
            else if constexpr (std::is_same_v<T, double>) rc = sqlite3_bind_double(stmt, index, v);
            else if constexpr (std::is_same_v<T, std::string>)
              rc = sqlite3_bind_text64(stmt, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
            else rc = sqlite3_bind_blob64(stmt, index, v.data(), v.size(), SQLITE_TRANSIENT);
          },
          params[i]);
      if (rc != SQLITE_OK) fail(stmt);
    }
    return stmt;
  }

  static Value column(sqlite3_stmt* stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
      case SQLITE_INTEGER: return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
      case SQLITE_FLOAT: return sqlite3_column_double(stmt, i);
      case SQLITE_TEXT:
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)),
                           static_cast<size_t>(sqlite3_column_bytes(stmt, i)));
      case SQLITE_BLOB: {
        const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt, i));
        return Blob(p, p + sqlite3_column_bytes(stmt, i));
      }
      default: return std::monostate{};
    }
  }

  [[noreturn]] void fail(sqlite3_stmt* stmt) {
    const std::string why = sqlite3_errmsg(db_);
    const int code = sqlite3_extended_errcode(db_);
    sqlite3_reset(stmt);
    throw_error(why, code);
  }

  [[noreturn]] void throw_error(const std::string& why, int extended_code) {
    const int code = extended_code & 0xff;
    throw_if_storage(db_, why);
    if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
      // The file is named once, by whoever reports the error (the opener or the store).
      throw DatabaseError("it is damaged (" + why +
                          "): restore it from a backup, or move it aside and store the run directories again with "
                          "`orchestrate history import`");
    throw DatabaseError(why);
  }

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
  std::map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace

std::unique_ptr<Database> open_sqlite(const std::filesystem::path& file) { return std::make_unique<SqliteDatabase>(file); }

}  // namespace ftbench::history
