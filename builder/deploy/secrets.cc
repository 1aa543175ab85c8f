#include "builder/deploy/secrets.h"

#include <array>
#include <cmath>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace stowage {
namespace {

bool IsRunSeparator(char c) {
  return absl::ascii_isspace(static_cast<unsigned char>(c)) || c == ':' || c == '.' || c == ',' ||
         c == ';' || c == '/' || c == '?' || c == '"' || c == '\'';
}

std::vector<absl::string_view> Runs(absl::string_view value) {
  std::vector<absl::string_view> runs;
  size_t start = 0;
  for (size_t i = 0; i <= value.size(); ++i) {
    if (i == value.size() || IsRunSeparator(value[i])) {
      if (i > start) runs.push_back(value.substr(start, i - start));
      start = i + 1;
    }
  }
  return runs;
}

// The password of scheme://user:password@host, when it is a literal.
bool UrlHasLiteralPassword(absl::string_view value) {
  size_t scheme_end = value.find("://");
  if (scheme_end == absl::string_view::npos) return false;
  absl::string_view rest = value.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?#");
  absl::string_view authority = rest.substr(0, authority_end);
  size_t at = authority.rfind('@');
  if (at == absl::string_view::npos) return false;
  absl::string_view userinfo = authority.substr(0, at);
  size_t colon = userinfo.find(':');
  if (colon == absl::string_view::npos) return false;
  absl::string_view password = userinfo.substr(colon + 1);
  if (password.empty()) return false;
  return !IsInterpolationOnly(password);
}

// A ${NAME...} reference is filled in at run time, but everything in it is written in the
// file: the NAME, and the word of ${NAME:-word}, ${NAME-word}, ${NAME:=word}, ${NAME:+word} (a
// default or an alternate) and of ${NAME:?word} (an error message).
// ${SECRET_KEY:-django-insecure-...} commits a key as surely as SECRET_KEY=django-insecure-...
// does, and a token pasted as a name ($ghp_...) is still a token.

// What the value can become: references replaced by their default or alternate words (an error
// message is never part of the value).
std::string SubstitutedText(absl::string_view value) {
  static const LazyRE2 kReference = {R"(\$\{[A-Za-z0-9_]*(?:(:?[-+=])([^}]*)|:?\?[^}]*)?\})"};
  std::string text(value);
  RE2::GlobalReplace(&text, *kReference, "\\2");
  return text;
}

// Everything the file spells out: ${...} references replaced by their names and words (a bare
// $NAME is judged as it stands).
std::string WrittenText(absl::string_view value) {
  static const LazyRE2 kReference = {R"(\$\{([A-Za-z0-9_]*)(?::?[-?+=]([^}]*))?\})"};
  std::string text(value);
  RE2::GlobalReplace(&text, *kReference, "\\1 \\2");
  return text;
}

}  // namespace

std::optional<std::string> SecretNameReason(absl::string_view name) {
  std::string upper = absl::AsciiStrToUpper(name);
  std::vector<std::string> parts = absl::StrSplit(upper, absl::ByAnyChar("_-."), absl::SkipEmpty());
  if (parts.empty()) return std::nullopt;
  static const char* const kSecretParts[] = {"SECRET", "SECRETS", "PASSWORD",   "PASSWORDS",
                                             "PASSWD", "PASS",    "PWD",        "TOKEN",
                                             "TOKENS", "APIKEY",  "CREDENTIAL", "CREDENTIALS"};
  for (const std::string& part : parts) {
    for (const char* secret : kSecretParts) {
      if (part == secret) return absl::StrCat("the name contains ", secret);
    }
  }
  // PUBLIC_KEY is public; GPG_KEY (official language images) is a key fingerprint.
  static const char* const kNotSecretBeforeKey[] = {"PUBLIC", "GPG", "PGP"};
  bool exempt = false;
  if (parts.size() >= 2) {
    for (const char* word : kNotSecretBeforeKey) exempt |= parts[parts.size() - 2] == word;
  }
  if (parts.back() == "KEY" && !exempt) {
    return std::string("the name ends in KEY");
  }
  return std::nullopt;
}

double ShannonEntropy(absl::string_view s) {
  if (s.empty()) return 0;
  std::array<size_t, 256> counts{};
  for (unsigned char c : s) ++counts[c];
  double entropy = 0;
  for (size_t count : counts) {
    if (count == 0) continue;
    double p = static_cast<double>(count) / s.size();
    entropy -= p * std::log2(p);
  }
  return entropy;
}

bool IsHighEntropyRun(absl::string_view run) {
  if (run.size() < 20) return false;
  bool lower = false, upper = false, digit = false, symbol = false, all_hex = true;
  for (char c : run) {
    unsigned char u = static_cast<unsigned char>(c);
    if (absl::ascii_islower(u)) {
      lower = true;
    } else if (absl::ascii_isupper(u)) {
      upper = true;
    } else if (absl::ascii_isdigit(u)) {
      digit = true;
    } else {
      symbol = true;
    }
    if (!absl::ascii_isxdigit(u)) all_hex = false;
  }
  if (all_hex) return false;
  if (lower + upper + digit + symbol < 2) return false;
  double threshold = std::min(4.0, 0.9 * std::log2(static_cast<double>(run.size())));
  return ShannonEntropy(run) >= threshold;
}

bool IsInterpolationOnly(absl::string_view value) {
  // RE2, not std::regex: a long "${..." value made std::regex recurse until the stack ran out.
  static const LazyRE2 kReference = {
      R"(\$(\{[A-Za-z_][A-Za-z0-9_]*([:]?[-?+][^}]*)?\}|[A-Za-z_][A-Za-z0-9_]*))"};
  return RE2::FullMatch(re2::StringPiece(value.data(), value.size()), *kReference);
}

std::optional<std::string> SecretValueReason(absl::string_view value) {
  if (value.empty()) return std::nullopt;
  const std::string literal = WrittenText(value);
  static const LazyRE2 kAwsKeyId = {
      R"((^|[^A-Z0-9])(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}([^A-Z0-9]|$))"};
  if (RE2::PartialMatch(literal, *kAwsKeyId)) {
    return std::string("the value looks like an AWS access key id");
  }
  if (absl::StrContains(literal, "-----BEGIN") && absl::StrContains(literal, "PRIVATE KEY")) {
    return std::string("the value contains a PEM private key");
  }
  if (absl::StrContains(literal, "django-insecure-")) {
    return std::string("the value is a Django generated secret key");
  }
  if (UrlHasLiteralPassword(SubstitutedText(value))) {
    return std::string("the value is a URL with a password in it");
  }
  static const char* const kTokenPrefixes[] = {"ghp_",     "gho_",     "ghs_",     "github_pat_",
                                               "glpat-",   "xoxb-",    "xoxp-",    "xoxa-",
                                               "sk_live_", "rk_live_", "sk_test_", "AIza"};
  for (absl::string_view run : Runs(literal)) {
    for (const char* prefix : kTokenPrefixes) {
      // Anywhere in the run: a token glued to other text ("runghp_...") is still a token.
      const size_t at = run.find(prefix);
      if (at != absl::string_view::npos && run.size() - at >= std::string(prefix).size() + 16) {
        return absl::StrCat("the value looks like a ", prefix, "... token");
      }
    }
    if (IsHighEntropyRun(run)) return std::string("the value has a long high-entropy run");
  }
  // Base64 keys contain '/', which splits them into runs above; judge whole words too, unless
  // they are URLs or paths.
  for (absl::string_view word :
       absl::StrSplit(literal, absl::ByAnyChar(" \t\n\r"), absl::SkipEmpty())) {
    if (absl::StrContains(word, "://") || absl::StartsWith(word, "/") ||
        absl::StartsWith(word, ".")) {
      continue;
    }
    if (IsHighEntropyRun(word)) return std::string("the value has a long high-entropy word");
  }
  return std::nullopt;
}

}  // namespace stowage
