#include "builder/registry/url.h"

#include <curl/curl.h>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace stowage {
namespace registry {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

bool IsAlnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool IsValidNameComponent(absl::string_view c) {
  if (c.empty() || !IsAlnumLower(c.front()) || !IsAlnumLower(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (IsAlnumLower(ch)) continue;
    if (ch == '.') {
      if (!IsAlnumLower(c[i + 1])) return false;
    } else if (ch == '_') {
      if (c[i + 1] == '_') ++i;
      if (!IsAlnumLower(c[i + 1])) return false;
    } else if (ch == '-') {
      while (c[i + 1] == '-') ++i;
      if (!IsAlnumLower(c[i + 1])) return false;
    } else {
      return false;
    }
  }
  return true;
}

std::string UrlPart(CURLU* u, CURLUPart part) {
  char* out = nullptr;
  if (curl_url_get(u, part, &out, 0) != CURLUE_OK || out == nullptr) return "";
  std::string s(out);
  curl_free(out);
  return s;
}

}  // namespace

absl::StatusOr<RepositoryRef> ParseRepository(absl::string_view text, std::string* scheme) {
  std::string original(text);
  for (absl::string_view prefix : {"http://", "https://"}) {
    if (absl::StartsWith(text, prefix)) {
      if (scheme != nullptr) *scheme = std::string(prefix.substr(0, prefix.size() - 3));
      text.remove_prefix(prefix.size());
    }
  }
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid repository \"", original, "\": want host[:port]/name"));
  }
  RepositoryRef ref{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  if (ref.name.find('@') != std::string::npos || ref.name.find(':') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid repository \"", original, "\": give tags with --tag, not in the repository"));
  }
  for (absl::string_view component : absl::StrSplit(ref.name, '/')) {
    if (!IsValidNameComponent(component)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid repository name \"", ref.name,
          "\": components are lowercase letters and digits separated by '.', '_', '__' or '-'"));
    }
  }
  if (ref.host.size() + 1 + ref.name.size() > 255) {
    return absl::InvalidArgumentError("repository reference longer than 255 characters");
  }
  return ref;
}

absl::Status ValidateTag(absl::string_view tag) {
  auto ok_first = [](char c) { return absl::ascii_isalnum(c) || c == '_'; };
  bool ok = !tag.empty() && tag.size() <= 128 && ok_first(tag[0]);
  for (char c : tag) ok = ok && (absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-');
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid tag \"", tag, "\": want [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}"));
  }
  return absl::OkStatus();
}

bool IsLoopbackHost(absl::string_view host) {
  // Strip the port: "[::1]:5000", "127.0.0.1:5000", "localhost".
  if (absl::StartsWith(host, "[")) {
    size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    return host.substr(1, close - 1) == "::1";
  }
  if (host == "::1") return true;
  size_t colon = host.rfind(':');
  if (colon != absl::string_view::npos) host = host.substr(0, colon);
  if (absl::AsciiStrToLower(host) == "localhost") return true;
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view o : octets) {
    int v;
    if (o.empty() || o.size() > 3 || !absl::SimpleAtoi(o, &v) || v < 0 || v > 255) return false;
  }
  return true;
}

absl::StatusOr<std::string> ResolveLocation(absl::string_view request_url,
                                            absl::string_view location) {
  if (location.empty()) return absl::InvalidArgumentError("registry sent an empty Location");
  CurlUrl u(curl_url());
  std::string base(request_url);
  if (curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("invalid URL \"", request_url, "\""));
  }
  // With a URL already set, curl resolves a relative reference against it (RFC 3986 5.2).
  std::string loc(location);
  if (curl_url_set(u.get(), CURLUPART_URL, loc.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("registry sent an invalid Location \"", location, "\""));
  }
  std::string out = UrlPart(u.get(), CURLUPART_URL);
  if (out.empty()) return absl::InvalidArgumentError("cannot resolve Location");
  return out;
}

std::string PercentEncode(absl::string_view value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (absl::ascii_isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

absl::StatusOr<std::string> AddQueryParameter(absl::string_view url, absl::string_view key,
                                              absl::string_view value) {
  CurlUrl u(curl_url());
  std::string s(url);
  if (curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("invalid URL \"", url, "\""));
  }
  std::string param = absl::StrCat(PercentEncode(key), "=", PercentEncode(value));
  if (curl_url_set(u.get(), CURLUPART_QUERY, param.c_str(), CURLU_APPENDQUERY) != CURLUE_OK) {
    return absl::InternalError("cannot add a query parameter");
  }
  return UrlPart(u.get(), CURLUPART_URL);
}

}  // namespace registry
}  // namespace stowage
