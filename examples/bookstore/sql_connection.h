// A minimal SQL connection interface with two drivers: SQLite (embedded default) and
// PostgreSQL (libpq). Statements use $1..$n placeholders, which both understand.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_SQL_CONNECTION_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_SQL_CONNECTION_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "examples/bookstore/database_url.h"

namespace bookstore {

using Row = std::vector<std::string>;

// One connection, used by one thread at a time (the pool hands it out).
class SqlConnection {
 public:
  virtual ~SqlConnection() = default;
  // Runs statements that return no rows (several may be separated by ';').
  virtual absl::Status Execute(const std::string& sql) = 0;
  // Runs one statement with text parameters bound to $1..$n; every column comes back as text
  // (NULL as "").
  virtual absl::StatusOr<std::vector<Row>> Query(const std::string& sql,
                                                 const std::vector<std::string>& params) = 0;
  // False once the connection is unusable (the pool then drops it).
  virtual bool healthy() const = 0;
  // Starts a transaction that excludes other migrators (BEGIN IMMEDIATE / advisory lock).
  virtual absl::Status BeginExclusive() = 0;
};

enum class OpenMode {
  kExisting,  // serving: an SQLite file must already exist (run `migrate` first)
  kCreate,    // migrating: an SQLite file is created when missing
};

absl::StatusOr<std::unique_ptr<SqlConnection>> OpenSqlite(const std::string& name, OpenMode mode);
absl::StatusOr<std::unique_ptr<SqlConnection>> OpenPostgres(const DatabaseConfig& config);

// Opens a connection for a parsed DATABASE_URL.
absl::StatusOr<std::unique_ptr<SqlConnection>> OpenConnection(const DatabaseConfig& config,
                                                              OpenMode mode);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_SQL_CONNECTION_H_
