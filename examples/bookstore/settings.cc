#include "examples/bookstore/settings.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"
#include "examples/bookstore/database_url.h"

namespace bookstore {
namespace {

bool IsDirectory(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string DefaultTemplatesDir(const std::string& program) {
  std::vector<std::string> candidates;
  if (!program.empty()) {
    size_t slash = program.rfind('/');
    std::string dir = slash == std::string::npos ? "." : program.substr(0, slash);
    candidates.push_back(dir + "/templates");
    // `bazel run` and `bazel-bin/...`: the data files are in the runfiles tree.
    candidates.push_back(program + ".runfiles/stowage/examples/bookstore/templates");
  }
  candidates.push_back("/app/templates");
  for (const std::string& c : candidates) {
    if (IsDirectory(c)) return c;
  }
  return "/app/templates";
}

absl::StatusOr<int> ParseInt(absl::string_view name, absl::string_view value, int min, int max) {
  int parsed;
  if (!absl::SimpleAtoi(value, &parsed) || parsed < min || parsed > max) {
    return absl::InvalidArgumentError(
        absl::StrCat(name, " must be an integer from ", min, " to ", max, ", got \"", value, "\""));
  }
  return parsed;
}

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](const std::string& name) -> absl::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return absl::nullopt;
    return std::string(value);
  };
}

absl::StatusOr<bool> ParseBool(absl::string_view name, absl::string_view value) {
  std::string v = absl::AsciiStrToLower(absl::StripAsciiWhitespace(value));
  if (v == "1" || v == "true" || v == "yes" || v == "on") return true;
  if (v.empty() || v == "0" || v == "false" || v == "no" || v == "off") return false;
  return absl::InvalidArgumentError(absl::StrCat(
      name, " must be a boolean (true/false, 1/0, yes/no, on/off), got \"", value, "\""));
}

absl::StatusOr<Settings> LoadSettings(const EnvLookup& env, const std::string& program,
                                      bool require_secret) {
  Settings s;
  auto get = [&env](const char* name) { return env(name); };

  if (auto debug = get("DEBUG")) {
    ASSIGN_OR_RETURN(s.debug, ParseBool("DEBUG", *debug));
  }
  if (auto environment = get("ENVIRONMENT")) {
    if (absl::AsciiStrToLower(*environment) == "production" && s.debug) {
      return absl::InvalidArgumentError(
          "DEBUG is on but ENVIRONMENT=production: refusing to serve debug pages in production");
    }
  }
  if (auto key = get("SECRET_KEY")) s.secret_key = *key;
  if (s.secret_key.empty()) {
    if (!s.debug && require_secret) {
      return absl::InvalidArgumentError("SECRET_KEY must be set when DEBUG is off (production)");
    }
    // Development only: a fixed, obviously insecure key.
    s.secret_key = "bookstore-insecure-development-key";
  }

  if (auto port = get("PORT")) {
    ASSIGN_OR_RETURN(s.port, ParseInt("PORT", *port, 0, 65535));
  }
  unsigned cpus = std::thread::hardware_concurrency();
  s.threads = std::min(64, std::max(2, static_cast<int>(cpus == 0 ? 1 : cpus) * 2));
  if (auto concurrency = get("WEB_CONCURRENCY")) {
    ASSIGN_OR_RETURN(s.threads, ParseInt("WEB_CONCURRENCY", *concurrency, 1, 1024));
  }

  s.database_url = std::string(kDefaultDatabaseUrl);
  if (auto url = get("DATABASE_URL"); url.has_value() && !url->empty()) s.database_url = *url;

  auto templates = get("BOOKSTORE_TEMPLATES");
  s.templates_dir =
      templates.has_value() && !templates->empty() ? *templates : DefaultTemplatesDir(program);
  auto static_root = get("BOOKSTORE_STATIC_ROOT");
  s.static_root =
      static_root.has_value() && !static_root->empty() ? *static_root : "/app/staticfiles";

  s.allowed_hosts = {"*"};
  if (auto hosts = get("ALLOWED_HOSTS"); hosts.has_value() && !hosts->empty()) {
    s.allowed_hosts.clear();
    for (absl::string_view h : absl::StrSplit(*hosts, ',', absl::SkipWhitespace())) {
      s.allowed_hosts.emplace_back(absl::StripAsciiWhitespace(h));
    }
  }

  s.ssl_redirect = !s.debug;
  if (auto redirect = get("SECURE_SSL_REDIRECT")) {
    ASSIGN_OR_RETURN(s.ssl_redirect, ParseBool("SECURE_SSL_REDIRECT", *redirect));
  }
  s.hsts_seconds = s.debug ? 0 : 31536000;
  if (auto hsts = get("SECURE_HSTS_SECONDS")) {
    ASSIGN_OR_RETURN(s.hsts_seconds, ParseInt("SECURE_HSTS_SECONDS", *hsts, 0, 1000000000));
  }
  if (auto grace = get("BOOKSTORE_GRACEFUL_TIMEOUT")) {
    int seconds;
    ASSIGN_OR_RETURN(seconds, ParseInt("BOOKSTORE_GRACEFUL_TIMEOUT", *grace, 0, 3600));
    s.graceful_timeout_seconds = seconds;
  }
  return s;
}

std::vector<std::string> SecretKeyWarnings(absl::string_view key) {
  std::vector<std::string> warnings;
  std::set<char> unique(key.begin(), key.end());
  if (key.size() < 50 || unique.size() < 5) {
    warnings.push_back(
        "SECRET_KEY is weak: use at least 50 characters with at least 5 unique ones");
  }
  if (absl::StartsWith(key, "django-insecure-") || key == "bookstore-insecure-development-key") {
    warnings.push_back("SECRET_KEY is a development key");
  }
  return warnings;
}

}  // namespace bookstore
