// Debian installs libpq under /usr/include/postgresql; its own includes are relative.
#include <postgresql/libpq-fe.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "examples/bookstore/sql_connection.h"

namespace bookstore {
namespace {

// Any constant: it only has to be the same in every `bookstore migrate` process.
constexpr char kMigrationLockSql[] = "SELECT pg_advisory_xact_lock(7242010)";

std::string TrimmedError(PGconn* conn) {
  return std::string(absl::StripAsciiWhitespace(PQerrorMessage(conn)));
}

class PostgresConnection : public SqlConnection {
 public:
  explicit PostgresConnection(PGconn* conn) : conn_(conn) {}
  ~PostgresConnection() override { PQfinish(conn_); }

  absl::Status Execute(const std::string& sql) override {
    PGresult* result = PQexec(conn_, sql.c_str());
    absl::Status status = Check(result, "execute");
    PQclear(result);
    return status;
  }

  absl::StatusOr<std::vector<Row>> Query(const std::string& sql,
                                         const std::vector<std::string>& params) override {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string& p : params) values.push_back(p.c_str());
    PGresult* result = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                    values.data(), nullptr, nullptr, /*resultFormat=*/0);
    absl::Status status = Check(result, "query");
    std::vector<Row> rows;
    if (status.ok()) {
      int n = PQntuples(result);
      int columns = PQnfields(result);
      rows.reserve(n);
      for (int r = 0; r < n; ++r) {
        Row row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c) {
          row.emplace_back(PQgetvalue(result, r, c), PQgetlength(result, r, c));
        }
        rows.push_back(std::move(row));
      }
    }
    PQclear(result);
    if (!status.ok()) return status;
    return rows;
  }

  bool healthy() const override { return PQstatus(conn_) == CONNECTION_OK; }

  absl::Status BeginExclusive() override {
    return Execute(absl::StrCat("BEGIN; ", kMigrationLockSql));
  }

 private:
  absl::Status Check(PGresult* result, const char* what) {
    ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return absl::OkStatus();
    std::string message = result != nullptr ? PQresultErrorMessage(result) : "";
    if (message.empty()) message = TrimmedError(conn_);
    return absl::InternalError(
        absl::StrCat("postgresql ", what, ": ", absl::StripAsciiWhitespace(message)));
  }

  PGconn* conn_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<SqlConnection>> OpenPostgres(const DatabaseConfig& config) {
  // Keywords rather than a conninfo string: no quoting, and the password is never formatted
  // into a string that could end up in a log.
  std::vector<std::pair<std::string, std::string>> params;
  if (!config.host.empty()) params.emplace_back("host", config.host);
  if (config.port != 0) params.emplace_back("port", absl::StrCat(config.port));
  params.emplace_back("dbname", config.name);
  if (!config.user.empty()) params.emplace_back("user", config.user);
  if (!config.password.empty()) params.emplace_back("password", config.password);
  params.emplace_back("application_name", "bookstore");
  for (const auto& [key, value] : config.options) params.emplace_back(key, value);
  std::vector<const char*> keywords;
  std::vector<const char*> values;
  for (const auto& [key, value] : params) {
    keywords.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) return absl::ResourceExhaustedError("libpq: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string message = TrimmedError(conn);
    PQfinish(conn);
    return absl::UnavailableError(
        absl::StrCat("cannot connect to ", config.Describe(), ": ", message));
  }
  // NOTICEs ("relation already exists, skipping") are expected during migrate: keep stderr
  // for real errors.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<SqlConnection>(std::make_unique<PostgresConnection>(conn));
}

}  // namespace bookstore
