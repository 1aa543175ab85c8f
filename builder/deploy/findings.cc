#include "builder/deploy/findings.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builder/deploy/secrets.h"
#include "builder/net/server_text.h"

namespace stowage {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "ERROR";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kInfo:
      return "INFO";
  }
  return "INFO";
}

absl::StatusOr<Severity> ParseSeverity(const std::string& name) {
  std::string lower = absl::AsciiStrToLower(name);
  if (lower == "error") return Severity::kError;
  if (lower == "warning") return Severity::kWarning;
  if (lower == "info") return Severity::kInfo;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown severity \"", name, "\" (want error, warning or info)"));
}

const std::vector<CheckRule>& CheckRules() {
  static const auto* rules = new std::vector<CheckRule>{
      // Static: image config and manifests.
      {"STW001", Severity::kError, "secret-looking literal in the image config Env",
       "remove it from the image; set it at run time (heroku config:set, or ${VAR:?} in Compose)"},
      {"STW002", Severity::kError, "secret-looking literal in image labels or manifest annotations",
       "remove it from labels/annotations; secrets never belong in image metadata"},
      {"STW003", Severity::kError, "secret-looking literal in a deploy manifest",
       "do not commit it: use heroku config:set, or write VAR: ${VAR:?VAR must be set} in Compose"},
      {"STW004", Severity::kError, "DEBUG is on in a production image or service",
       "set DEBUG=0 (False) for production; keep DEBUG=1 only in the development Compose file"},
      {"STW005", Severity::kWarning, "the image runs as root",
       "add a non-root user and set it (oci_image user = \"1000:1000\" or USER in the image)"},
      {"STW006", Severity::kWarning, "the web command ignores $PORT",
       "bind the web server to $PORT, e.g. --bind 0.0.0.0:$PORT (Heroku: R10 boot timeout "
       "otherwise)"},
      {"STW007", Severity::kInfo, "EXPOSE (ExposedPorts) is ignored by Heroku",
       "nothing to do for Compose; on Heroku the web process must listen on $PORT instead"},
      {"STW008", Severity::kWarning, "HEALTHCHECK is ignored by Heroku",
       "do not rely on it on Heroku; use a health endpoint checked from outside"},
      {"STW009", Severity::kError, "the manifest is not a Docker v2 schema 2 manifest",
       "build the image with format = \"docker\": Heroku's registry accepts only Docker v2 schema "
       "2"},
      {"STW010", Severity::kInfo, "VOLUME is ignored by Heroku (its filesystem is ephemeral)",
       "keep state in add-ons (Postgres, object storage), not in volumes"},
      {"STW011", Severity::kInfo, "obsolete top-level version: key in a Compose file",
       "remove version: (the Compose Specification ignores it and warns)"},
      {"STW012", Severity::kWarning, "source bind mount in a production Compose file",
       "run the built image as is in production; bind-mount source only in development"},
      {"STW013", Severity::kError, "heroku.yml does not follow the documented format",
       "use setup.addons[].plan/as, setup.config, build.docker.<process>, release.command/image, "
       "run.<process>"},
      {"STW014", Severity::kError, "the image config or manifest has a field of the wrong type",
       "rebuild the image with a tool that writes the OCI or Docker image format (oci_image "
       "does); runtimes reject such configs or read them differently"},
      // Live: a running site (the list behind Django's check --deploy).
      {"STW100", Severity::kError, "the URL cannot be fetched",
       "start the site and check the URL (stowage check requests only that site)"},
      {"STW101", Severity::kError, "no Strict-Transport-Security header on HTTPS responses",
       "set SECURE_HSTS_SECONDS = 31536000 (Django) or send Strict-Transport-Security"},
      {"STW102", Severity::kWarning, "HSTS max-age is shorter than one year",
       "use max-age=31536000 or more"},
      {"STW103", Severity::kWarning, "HSTS lacks includeSubDomains",
       "set SECURE_HSTS_INCLUDE_SUBDOMAINS = True"},
      {"STW104", Severity::kWarning, "HSTS lacks preload", "set SECURE_HSTS_PRELOAD = True"},
      {"STW105", Severity::kError, "plain HTTP is not redirected to HTTPS",
       "set SECURE_SSL_REDIRECT = True and SECURE_PROXY_SSL_HEADER = "
       "(\"HTTP_X_FORWARDED_PROTO\", \"https\")"},
      {"STW106", Severity::kError, "redirect loop behind the proxy: HTTPS requests are redirected",
       "trust X-Forwarded-Proto: SECURE_PROXY_SSL_HEADER = (\"HTTP_X_FORWARDED_PROTO\", "
       "\"https\") (gunicorn: --forwarded-allow-ips=\"*\" behind Heroku's router)"},
      {"STW107", Severity::kWarning, "the HTTP to HTTPS redirect is not permanent (302/303/307)",
       "redirect with 301 or 308 (Django's SECURE_SSL_REDIRECT does)"},
      {"STW108", Severity::kWarning, "X-Frame-Options is not DENY",
       "set X_FRAME_OPTIONS = \"DENY\" with XFrameOptionsMiddleware"},
      {"STW109", Severity::kWarning, "X-Content-Type-Options: nosniff is missing",
       "set SECURE_CONTENT_TYPE_NOSNIFF = True"},
      {"STW110", Severity::kError, "a cookie is set without Secure",
       "set SESSION_COOKIE_SECURE = True and CSRF_COOKIE_SECURE = True"},
      {"STW111", Severity::kWarning, "a cookie is set without HttpOnly",
       "set SESSION_COOKIE_HTTPONLY = True (the CSRF cookie is exempt)"},
      {"STW112", Severity::kError, "a debug page is served (404 page shows debug output)",
       "set DEBUG = False in production"},
      {"STW113", Severity::kWarning, "the Server header leaks a version number",
       "send no version (nginx: server_tokens off; gunicorn 20.1 sends none)"},
      {"STW114", Severity::kWarning, "X-Powered-By header leaks the stack",
       "remove the X-Powered-By header"},
      {"STW115", Severity::kWarning, "Referrer-Policy is missing or weaker than same-origin",
       "set SECURE_REFERRER_POLICY = \"same-origin\""},
  };
  return *rules;
}

const CheckRule& RuleById(const std::string& id) {
  for (const CheckRule& rule : CheckRules()) {
    if (id == rule.id) return rule;
  }
  std::fprintf(stderr, "stowage: internal error: unknown check rule %s\n", id.c_str());
  std::abort();
}

Finding MakeFinding(const std::string& id, std::string message) {
  return MakeFinding(id, RuleById(id).severity, std::move(message));
}

namespace {

constexpr absl::string_view kRedacted = "<redacted>";

// Whether `text` looks secret. A word we already redacted ("SECRET_KEY=<redacted>") is judged by
// what is left around our marker: the name before it can be a token too ("ghp_...=<redacted>").
bool LooksSecret(absl::string_view text) {
  for (absl::string_view part : absl::StrSplit(text, kRedacted, absl::SkipEmpty())) {
    if (SecretValueReason(part).has_value()) return true;
  }
  return false;
}

// Whether `piece` is a plain name: letters, digits, '_', '-', '=' and our marker. Field paths
// are made of these; passwords and keys have symbols.
bool IsPlainName(absl::string_view piece) {
  for (absl::string_view part : absl::StrSplit(piece, kRedacted)) {
    for (char c : part) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '=') {
        return false;
      }
    }
  }
  return true;
}

// A secret-looking word is printed as <redacted>, with one exception: a field path such as
// "services.web.environment.NAME=<redacted>:" is long and mixed enough for the whole-word entropy
// rule, yet each of its pieces (split at '.' and ':') is a plain name that is not secret on its
// own; it keeps saying where the finding is.
std::string RedactWord(absl::string_view word) {
  if (!LooksSecret(word)) return std::string(word);
  if (absl::StrContains(word, "://")) return std::string(kRedacted);
  for (absl::string_view piece : absl::StrSplit(word, absl::ByAnyChar(".:"))) {
    if (LooksSecret(piece) || !IsPlainName(piece)) return std::string(kRedacted);
  }
  return std::string(word);
}

// Messages quote names and values from the files and sites checked. Each check quotes with
// care, and this is the second line of defence: a word that looks like a secret (a token, a
// URL with a password, a high-entropy run) is never printed, wherever a malformed file put it.
std::string RedactSecretLookingWords(absl::string_view message) {
  std::vector<std::string> words = absl::StrSplit(message, ' ');
  for (std::string& word : words) word = RedactWord(word);
  return absl::StrJoin(words, " ");
}

}  // namespace

Finding MakeFinding(const std::string& id, Severity severity, std::string message) {
  const CheckRule& rule = RuleById(id);
  // Whatever the checked file or site holds, a finding is one printable line (control
  // characters and invalid UTF-8 escaped) without secrets.
  return Finding{rule.id, severity, RedactSecretLookingWords(net::SafeForTerminal(message)),
                 rule.fix};
}

std::string FormatFinding(const Finding& finding) {
  return absl::StrCat(SeverityName(finding.severity), " ", finding.id, " ", finding.message,
                      " \xE2\x80\x94 fix: ", finding.fix);
}

nlohmann::json FindingsToJson(const std::vector<Finding>& findings) {
  nlohmann::json list = nlohmann::json::array();
  for (const Finding& f : findings) {
    list.push_back({{"id", f.id},
                    {"severity", absl::AsciiStrToLower(SeverityName(f.severity))},
                    {"message", f.message},
                    {"fix", f.fix}});
  }
  return list;
}

}  // namespace stowage
