#include "examples/bookstore/database_url.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace bookstore {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Query strings decode "+" as a space, as Python's parse_qs does.
std::string DecodeQueryComponent(absl::string_view text) {
  std::string plus_as_space(text);
  for (char& c : plus_as_space) {
    if (c == '+') c = ' ';
  }
  return PercentDecode(plus_as_space);
}

// Schemes dj-database-url knows but this server has no driver for.
bool IsKnownUnsupportedScheme(absl::string_view scheme) {
  for (absl::string_view s : {"postgis", "mysql", "mysql2", "mysqlgis", "mysql-connector", "mssql",
                              "mssqlms", "spatialite", "oracle", "oraclegis", "redshift",
                              "cockroach", "timescale", "timescalegis"}) {
    if (scheme == s) return true;
  }
  return false;
}

}  // namespace

std::string PercentDecode(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      int hi = HexValue(text[i + 1]);
      int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    // Like Python's unquote, a malformed escape is kept as it is.
    out.push_back(text[i]);
  }
  return out;
}

std::string DatabaseConfig::Describe() const {
  if (engine == Engine::kSqlite) return absl::StrCat("sqlite ", name);
  std::string where = host.empty() ? "(default socket)" : host;
  if (port != 0) absl::StrAppend(&where, ":", port);
  return absl::StrCat("postgresql ", where, "/", name);
}

absl::StatusOr<DatabaseConfig> ParseDatabaseUrl(absl::string_view url) {
  DatabaseConfig config;
  // urlparse would read "memory" as a port number; dj-database-url special-cases this URL.
  if (url == "sqlite://:memory:") {
    config.engine = Engine::kSqlite;
    config.name = ":memory:";
    return config;
  }
  size_t colon = url.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        "DATABASE_URL has no scheme (expected e.g. sqlite:///db.sqlite3 or "
        "postgres://user@host/name)");
  }
  std::string scheme = absl::AsciiStrToLower(url.substr(0, colon));
  absl::string_view rest = url.substr(colon + 1);
  if (scheme == "sqlite") {
    config.engine = Engine::kSqlite;
  } else if (scheme == "postgres" || scheme == "postgresql" || scheme == "pgsql") {
    config.engine = Engine::kPostgres;
  } else if (IsKnownUnsupportedScheme(scheme)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "DATABASE_URL scheme \"", scheme,
        "\" is not supported by this server (supported: sqlite, postgres, postgresql, pgsql)"));
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("DATABASE_URL has an unknown scheme \"", scheme,
                     "\" (supported: sqlite, postgres, postgresql, pgsql)"));
  }

  // urlsplit: "//netloc" then path, then "?query"; a fragment is dropped.
  size_t hash = rest.find('#');
  if (hash != absl::string_view::npos) rest = rest.substr(0, hash);
  absl::string_view netloc;
  if (absl::StartsWith(rest, "//")) {
    rest.remove_prefix(2);
    size_t end = rest.find_first_of("/?");
    netloc = rest.substr(0, end);
    rest = end == absl::string_view::npos ? absl::string_view() : rest.substr(end);
  }
  absl::string_view path = rest;
  absl::string_view query;
  size_t qmark = rest.find('?');
  if (qmark != absl::string_view::npos) {
    path = rest.substr(0, qmark);
    query = rest.substr(qmark + 1);
  }
  if (absl::StartsWith(path, "/")) path.remove_prefix(1);

  // userinfo@host:port; the password is what follows the first ':' of the userinfo.
  absl::string_view hostport = netloc;
  size_t at = netloc.rfind('@');
  if (at != absl::string_view::npos) {
    absl::string_view userinfo = netloc.substr(0, at);
    hostport = netloc.substr(at + 1);
    size_t user_colon = userinfo.find(':');
    config.user = PercentDecode(userinfo.substr(0, user_colon));
    if (user_colon != absl::string_view::npos) {
      config.password = PercentDecode(userinfo.substr(user_colon + 1));
    }
  }
  absl::string_view host = hostport;
  absl::string_view port;
  if (absl::StartsWith(hostport, "[")) {
    size_t close = hostport.find(']');
    if (close == absl::string_view::npos) {
      return absl::InvalidArgumentError("DATABASE_URL has an unterminated IPv6 host");
    }
    host = hostport.substr(1, close - 1);
    absl::string_view after = hostport.substr(close + 1);
    if (absl::StartsWith(after, ":")) port = after.substr(1);
  } else {
    size_t port_colon = hostport.rfind(':');
    if (port_colon != absl::string_view::npos) {
      host = hostport.substr(0, port_colon);
      port = hostport.substr(port_colon + 1);
    }
  }
  if (!port.empty()) {
    int value = 0;
    if (!absl::SimpleAtoi(port, &value) || value < 0 || value > 65535 ||
        port.find_first_not_of("0123456789") != absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("DATABASE_URL has an invalid port \"", port, "\""));
    }
    config.port = value;
  }
  // urlparse lower-cases host names; a percent-encoded host is a socket path and keeps its case.
  if (host.find('%') != absl::string_view::npos) {
    config.host = PercentDecode(host);
  } else {
    config.host = absl::AsciiStrToLower(host);
  }

  // parse_qs: blank values are dropped, the last value of a repeated key wins.
  for (absl::string_view pair : absl::StrSplit(query, absl::ByAnyChar("&;"), absl::SkipEmpty())) {
    size_t eq = pair.find('=');
    if (eq == absl::string_view::npos || eq + 1 == pair.size()) continue;
    config.options[DecodeQueryComponent(pair.substr(0, eq))] =
        DecodeQueryComponent(pair.substr(eq + 1));
  }

  config.name = PercentDecode(path);
  if (config.engine == Engine::kSqlite) {
    // Like SQLAlchemy and dj-database-url: no path means an in-memory database.
    if (config.name.empty()) config.name = ":memory:";
    config.options.clear();
    return config;
  }
  auto schema = config.options.find("currentSchema");
  if (schema != config.options.end()) {
    config.options["options"] = absl::StrCat("-c search_path=", schema->second);
    config.options.erase(schema);
  }
  if (config.name.empty()) {
    return absl::InvalidArgumentError("DATABASE_URL names no PostgreSQL database");
  }
  return config;
}

}  // namespace bookstore
