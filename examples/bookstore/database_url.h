// DATABASE_URL parsing with the rules of dj-database-url, so a URL that configures a Django app
// (Heroku, Compose, a .env file) configures this server the same way.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_DATABASE_URL_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_DATABASE_URL_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace bookstore {

enum class Engine { kSqlite, kPostgres };

struct DatabaseConfig {
  Engine engine = Engine::kSqlite;
  // SQLite: the file name (relative to the working directory, or absolute) or ":memory:".
  // PostgreSQL: the database name.
  std::string name;
  std::string user;
  std::string password;
  // A host name, an IP address (IPv6 without brackets) or a Unix socket directory.
  std::string host;
  int port = 0;  // 0: not given
  // Query parameters (last value wins), passed to libpq as connection keywords.
  std::map<std::string, std::string> options;

  // A description for logs: scheme, host, port and name, never the password.
  std::string Describe() const;
};

// The URL used when DATABASE_URL is unset: an SQLite file in the working directory.
inline constexpr absl::string_view kDefaultDatabaseUrl = "sqlite:///db.sqlite3";

// Parses a database URL:
//   sqlite:///relative.db  sqlite:////absolute/path.db  sqlite://:memory:  sqlite://
//   postgres://user:pa%23ss@host:5432/name?sslmode=require   (also postgresql://, pgsql://)
// User, password, host and name are percent-decoded; a host containing "%2F" is a socket
// directory; `currentSchema=x` becomes libpq `options=-c search_path=x`. Errors never
// contain the password.
absl::StatusOr<DatabaseConfig> ParseDatabaseUrl(absl::string_view url);

// RFC 3986 percent-decoding; "+" stays "+" (it is only a space in query strings).
std::string PercentDecode(absl::string_view text);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_DATABASE_URL_H_
