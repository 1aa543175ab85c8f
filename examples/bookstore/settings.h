// Configuration from the environment, twelve-factor style, with the names a Django deployment
// uses (DEBUG, SECRET_KEY, DATABASE_URL, ALLOWED_HOSTS, PORT, WEB_CONCURRENCY).
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_SETTINGS_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_SETTINGS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace bookstore {

struct Settings {
  bool debug = false;
  // Required when DEBUG is off; never logged.
  std::string secret_key;
  int port = 8000;
  int threads = 2;
  std::string database_url;
  std::string templates_dir;
  std::string static_root;
  std::string static_url = "/static/";
  std::vector<std::string> allowed_hosts;
  bool ssl_redirect = false;
  int hsts_seconds = 0;
  double graceful_timeout_seconds = 10;
};

using EnvLookup = std::function<absl::optional<std::string>(const std::string& name)>;

// Reads the process environment.
EnvLookup ProcessEnvironment();

// Django-style booleans: 1/true/yes/on and 0/false/no/off/"" (any case).
absl::StatusOr<bool> ParseBool(absl::string_view name, absl::string_view value);

// Builds the settings. `program` is the binary's path (for the default templates directory).
// `require_secret` is false for `migrate`, which needs no key.
//   DEBUG                 default off; ENVIRONMENT=production with DEBUG on is an error
//   SECRET_KEY            required when DEBUG is off (and require_secret)
//   PORT                  default 8000
//   WEB_CONCURRENCY       worker threads (default: 2 per CPU, at least 2, at most 64)
//   DATABASE_URL          default sqlite:///db.sqlite3
//   BOOKSTORE_TEMPLATES   default <binary dir>/templates, <binary>.runfiles/.../templates,
//                         then /app/templates (the first that exists)
//   BOOKSTORE_STATIC_ROOT default /app/staticfiles
//   ALLOWED_HOSTS         comma-separated, default "*"
//   SECURE_SSL_REDIRECT   default on when DEBUG is off
//   SECURE_HSTS_SECONDS   default 31536000 when DEBUG is off, else 0
//   BOOKSTORE_GRACEFUL_TIMEOUT  seconds to finish in-flight requests on SIGTERM (default 10)
absl::StatusOr<Settings> LoadSettings(const EnvLookup& env, const std::string& program,
                                      bool require_secret);

// Django's check --deploy W009 on SECRET_KEY: warnings (never the key), empty when fine.
std::vector<std::string> SecretKeyWarnings(absl::string_view key);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_SETTINGS_H_
