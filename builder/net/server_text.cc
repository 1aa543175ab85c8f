#include "builder/net/server_text.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace stowage {
namespace net {
namespace {

constexpr char kRedacted[] = "<redacted>";
// Server text longer than this is cut before redaction. Transports already cap what they
// keep (error bodies, headers), so this only bounds the work for a caller that passes more;
// what is displayed comes from the first kMaxQuotedServerText-ish bytes, far before the cut.
constexpr size_t kMaxScannedBytes = 1 << 20;

std::mutex& SecretsMutex() {
  static auto* m = new std::mutex();
  return *m;
}

std::vector<std::string>& Secrets() {
  static auto* s = new std::vector<std::string>();
  return *s;
}

std::string ReplaceSecrets(absl::string_view text) {
  std::vector<std::pair<std::string, std::string>> replacements;
  {
    std::lock_guard<std::mutex> lock(SecretsMutex());
    for (const std::string& s : Secrets()) replacements.emplace_back(s, kRedacted);
  }
  if (replacements.empty()) return std::string(text);
  return absl::StrReplaceAll(text, replacements);
}

bool IsWordChar(char c) { return absl::ascii_isalnum(c) || c == '_'; }

bool AtWordStart(absl::string_view s, size_t i) { return i == 0 || !IsWordChar(s[i - 1]); }

// RFC 7235 token68: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/", then "=" padding.
bool IsToken68Char(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
         c == '/';
}

bool IsJwtChar(char c) { return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.'; }

bool MatchesWordAt(absl::string_view s, size_t i, absl::string_view word) {
  if (s.size() - i < word.size()) return false;
  if (!absl::EqualsIgnoreCase(s.substr(i, word.size()), word)) return false;
  size_t end = i + word.size();
  return end == s.size() || !IsWordChar(s[end]);
}

// Auth-param names that follow "Basic "/"Bearer " in a challenge: not credentials.
bool IsAuthParamName(absl::string_view name) {
  for (absl::string_view known :
       {"realm", "service", "scope", "error", "error_description", "error_uri", "charset", "nonce",
        "qop", "algorithm", "opaque", "domain", "stale", "userhash"}) {
    if (absl::EqualsIgnoreCase(name, known)) return true;
  }
  return false;
}

// At s[i], "Basic <token68>" or "Bearer <token68>": returns the end of the token68 and sets
// *value_start, or 0 when there is no credential here.
size_t MatchSchemeCredential(absl::string_view s, size_t i, size_t* value_start) {
  size_t word = 0;
  if (MatchesWordAt(s, i, "basic")) word = 5;
  if (MatchesWordAt(s, i, "bearer")) word = 6;
  if (word == 0) return 0;
  size_t j = i + word;
  if (j >= s.size() || (s[j] != ' ' && s[j] != '\t')) return 0;
  while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
  size_t start = j;
  while (j < s.size() && IsToken68Char(s[j])) ++j;
  size_t name_end = j;
  while (j < s.size() && s[j] == '=') ++j;
  if (name_end - start < 1) return 0;
  // `realm="..."`: an auth-param of a challenge, not a credential.
  if (j < s.size() && s[j] == '"' && j == name_end + 1 &&
      IsAuthParamName(s.substr(start, name_end - start))) {
    return 0;
  }
  *value_start = start;
  return j;
}

// At s[i], a key that names a secret followed by ':' or '=' (JSON, form, query or header
// style): returns the end of its value and sets *value_start, or 0.
size_t MatchSecretKeyValue(absl::string_view s, size_t i, size_t* value_start) {
  static const char* const kKeys[] = {
      "access_token", "refresh_token", "id_token", "identitytoken", "identity_token",
      "token",        "password",      "passwd",   "secret",        "client_secret",
      "api_key",      "apikey",        "api-key",  "auth",          "x-amz-signature",
      "sig",          "signature"};
  size_t key_len = 0;
  for (const char* key : kKeys) {
    absl::string_view k(key);
    if (MatchesWordAt(s, i, k) && (i + k.size() == s.size() || s[i + k.size()] != '-')) {
      key_len = k.size();
      break;
    }
  }
  if (key_len == 0) return 0;
  size_t j = i + key_len;
  if (j < s.size() && (s[j] == '"' || s[j] == '\'')) ++j;
  while (j < s.size() && s[j] == ' ') ++j;
  if (j >= s.size() || (s[j] != ':' && s[j] != '=')) return 0;
  ++j;
  while (j < s.size() && s[j] == ' ') ++j;
  char quote = 0;
  if (j < s.size() && (s[j] == '"' || s[j] == '\'')) quote = s[j++];
  size_t start = j;
  if (quote != 0) {
    while (j < s.size() && s[j] != quote) {
      if (s[j] == '\\' && j + 1 < s.size()) ++j;
      ++j;
    }
  } else {
    while (j < s.size() && !absl::ascii_isspace(s[j]) && s[j] != '&' && s[j] != ',' &&
           s[j] != ';' && s[j] != '}' && s[j] != '"' && s[j] != '\'') {
      ++j;
    }
  }
  if (j == start) return 0;
  *value_start = start;
  return j;
}

// At s[i], a JWT (three base64url parts, the first starting "eyJ" = '{"'): returns its end,
// or sets *skip to the end of the run that was scanned (so the caller stays linear).
size_t MatchJwt(absl::string_view s, size_t i, size_t* skip) {
  *skip = 0;
  if (s.size() - i < 3 || s.substr(i, 3) != "eyJ") return 0;
  if (i > 0 && IsJwtChar(s[i - 1])) return 0;
  size_t j = i;
  int dots = 0;
  while (j < s.size() && IsJwtChar(s[j])) {
    if (s[j] == '.') ++dots;
    ++j;
  }
  if (dots >= 2) return j;
  *skip = j;
  return 0;
}

// Decodes one UTF-8 character at s[i]; returns its length (0 when invalid) and the code point.
size_t DecodeUtf8(absl::string_view s, size_t i, uint32_t* cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, min = 0x80, *cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, min = 0x800, *cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, min = 0x10000, *cp = c & 0x07;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (cc & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) return 0;
  return len;
}

// Code points a terminal may act on: C1 controls, bidi embeddings/overrides/isolates, BOM.
bool IsDangerousCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
         (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

// The printable rendering of the character at s[i]; sets *consumed.
std::string RenderChar(absl::string_view s, size_t i, bool newline_as_space, size_t* consumed) {
  uint32_t cp = 0;
  size_t len = DecodeUtf8(s, i, &cp);
  char buf[16];
  if (len == 0) {
    *consumed = 1;
    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned char>(s[i]));
    return buf;
  }
  *consumed = len;
  if (cp < 0x20 || cp == 0x7F) {
    if (cp == '\n' || cp == '\r') return newline_as_space ? " " : (cp == '\n' ? "\\n" : "\\r");
    if (cp == '\t') return newline_as_space ? " " : "\\t";
    std::snprintf(buf, sizeof(buf), "\\x%02x", static_cast<unsigned>(cp));
    return buf;
  }
  if (IsDangerousCodePoint(cp)) {
    std::snprintf(buf, sizeof(buf), "\\u%04x", static_cast<unsigned>(cp));
    return buf;
  }
  return std::string(s.substr(i, len));
}

std::string Escape(absl::string_view s, size_t max_bytes, bool newline_as_space) {
  std::string out;
  out.reserve(std::min(s.size(), max_bytes) + 8);
  size_t i = 0;
  while (i < s.size()) {
    size_t consumed = 0;
    std::string piece = RenderChar(s, i, newline_as_space, &consumed);
    if (out.size() + piece.size() > max_bytes) {
      out += "...";
      break;
    }
    out += piece;
    i += consumed;
  }
  return out;
}

}  // namespace

void RegisterSecret(absl::string_view secret) {
  if (secret.size() < kMinSecretLength) return;
  std::lock_guard<std::mutex> lock(SecretsMutex());
  std::vector<std::string>& secrets = Secrets();
  if (std::find(secrets.begin(), secrets.end(), secret) != secrets.end()) return;
  secrets.emplace_back(secret);
  // Longest first: a secret that contains another is replaced whole.
  std::sort(secrets.begin(), secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
}

std::string RedactCredentials(absl::string_view text) {
  std::string s = ReplaceSecrets(text);
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (AtWordStart(s, i) && absl::ascii_isalpha(s[i])) {
      size_t value_start = 0;
      size_t end = MatchSchemeCredential(s, i, &value_start);
      if (end == 0) end = MatchSecretKeyValue(s, i, &value_start);
      if (end != 0) {
        out.append(s, i, value_start - i);
        out += kRedacted;
        i = end;
        continue;
      }
      size_t skip = 0;
      end = MatchJwt(s, i, &skip);
      if (end != 0) {
        out += kRedacted;
        i = end;
        continue;
      }
      if (skip != 0) {
        out.append(s, i, skip - i);
        i = skip;
        continue;
      }
    }
    out.push_back(s[i]);
    ++i;
  }
  return out;
}

std::string ServerText(absl::string_view text, size_t max_bytes) {
  if (text.size() > kMaxScannedBytes) text = text.substr(0, kMaxScannedBytes);
  return Escape(RedactCredentials(text), max_bytes, /*newline_as_space=*/false);
}

std::string SafeForTerminal(absl::string_view line) {
  return Escape(ReplaceSecrets(line), std::string::npos - 8, /*newline_as_space=*/true);
}

std::string RedactHeaderLine(absl::string_view line) {
  constexpr size_t kMaxLoggedHeader = 1000;
  size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return ServerText(line, kMaxLoggedHeader);
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  if (name != "authorization" && name != "proxy-authorization" && name != "cookie" &&
      name != "set-cookie") {
    return ServerText(line, kMaxLoggedHeader);
  }
  absl::string_view value = absl::StripAsciiWhitespace(line.substr(colon + 1));
  size_t space = value.find(' ');
  std::string scheme;
  if (space != absl::string_view::npos && name != "cookie" && name != "set-cookie") {
    absl::string_view word = value.substr(0, space);
    bool plain = !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
      return absl::ascii_isalnum(c) || c == '-';
    });
    if (plain) scheme = absl::StrCat(word, " ");
  }
  return absl::StrCat(ServerText(line.substr(0, colon), 100), ": ", scheme, kRedacted);
}

}  // namespace net
}  // namespace stowage
