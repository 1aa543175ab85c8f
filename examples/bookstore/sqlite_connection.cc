#include <sqlite3.h>

#include "absl/strings/str_cat.h"
#include "examples/bookstore/sql_connection.h"

namespace bookstore {
namespace {

// Every ":memory:" connection of the process opens this shared-cache database, so all worker
// threads see the one in-memory database that `serve` migrates at startup.
constexpr char kSharedMemoryUri[] = "file:bookstore-memory?mode=memory&cache=shared";

class SqliteConnection : public SqlConnection {
 public:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}
  ~SqliteConnection() override { sqlite3_close_v2(db_); }

  absl::Status Execute(const std::string& sql) override {
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error != nullptr ? error : sqlite3_errmsg(db_);
      sqlite3_free(error);
      return absl::InternalError(absl::StrCat("sqlite: ", message));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<std::vector<Row>> Query(const std::string& sql,
                                         const std::vector<std::string>& params) override {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr) !=
        SQLITE_OK) {
      return Error("prepare");
    }
    std::vector<Row> rows;
    absl::Status status = Run(stmt, params, &rows);
    sqlite3_finalize(stmt);
    if (!status.ok()) return status;
    return rows;
  }

  bool healthy() const override { return true; }

  absl::Status BeginExclusive() override { return Execute("BEGIN IMMEDIATE"); }

 private:
  absl::Status Run(sqlite3_stmt* stmt, const std::vector<std::string>& params,
                   std::vector<Row>* rows) {
    for (size_t i = 0; i < params.size(); ++i) {
      std::string name = absl::StrCat("$", i + 1);
      int index = sqlite3_bind_parameter_index(stmt, name.c_str());
      if (index == 0) continue;  // the statement does not use this parameter
      if (sqlite3_bind_text(stmt, index, params[i].data(), static_cast<int>(params[i].size()),
                            SQLITE_TRANSIENT) != SQLITE_OK) {
        return Error("bind");
      }
    }
    int columns = sqlite3_column_count(stmt);
    while (true) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) return absl::OkStatus();
      if (rc != SQLITE_ROW) return Error("step");
      Row row;
      row.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        const unsigned char* text = sqlite3_column_text(stmt, c);
        int size = sqlite3_column_bytes(stmt, c);
        row.emplace_back(text == nullptr ? ""
                                         : std::string(reinterpret_cast<const char*>(text),
                                                       static_cast<size_t>(size)));
      }
      rows->push_back(std::move(row));
    }
  }

  absl::Status Error(const char* what) const {
    return absl::InternalError(absl::StrCat("sqlite ", what, ": ", sqlite3_errmsg(db_)));
  }

  sqlite3* db_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& name, OpenMode mode) {
  bool memory = name == ":memory:";
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (memory) flags |= SQLITE_OPEN_URI | SQLITE_OPEN_CREATE;
  if (mode == OpenMode::kCreate) flags |= SQLITE_OPEN_CREATE;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(memory ? kSharedMemoryUri : name.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    std::string hint = mode == OpenMode::kExisting ? " (run `bookstore migrate` first?)" : "";
    return absl::UnavailableError(
        absl::StrCat("cannot open SQLite database ", name, ": ", message, hint));
  }
  // Writers (migrate) and readers (serve) may overlap: wait for locks instead of failing.
  sqlite3_busy_timeout(db, 5000);
  auto connection = std::make_unique<SqliteConnection>(db);
  if (!memory && mode == OpenMode::kCreate) {
    // WAL lets a running server keep reading while a release-phase migration writes.
    absl::Status wal = connection->Execute("PRAGMA journal_mode=WAL");
    if (!wal.ok()) return wal;
  }
  return std::unique_ptr<SqlConnection>(std::move(connection));
}

absl::StatusOr<std::unique_ptr<SqlConnection>> OpenConnection(const DatabaseConfig& config,
                                                              OpenMode mode) {
  if (config.engine == Engine::kSqlite) return OpenSqlite(config.name, mode);
  return OpenPostgres(config);
}

}  // namespace bookstore
