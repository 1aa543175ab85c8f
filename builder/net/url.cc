#include "builder/net/url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <cstring>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace net {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

bool GetPart(CURLU* u, CURLUPart part, unsigned flags, std::string* out) {
  char* value = nullptr;
  CURLUcode code = curl_url_get(u, part, &value, flags);
  // Freed whatever the result: libcurl 7.88 returns CURLUE_BAD_HOSTNAME for a host that is
  // not valid IDN (CURLU_PUNYCODE) with its copy of the host still in `value`.
  bool ok = code == CURLUE_OK && value != nullptr;
  if (ok) *out = value;
  curl_free(value);
  return ok;
}

bool IsHostNameChar(char c) { return absl::ascii_isalnum(c) || c == '.' || c == '-'; }

int DefaultPort(absl::string_view scheme) { return scheme == "https" ? 443 : 80; }

// Reads a parsed handle into a Url, refusing what a credential-carrying request must not use.
absl::StatusOr<Url> FromHandle(CURLU* u, absl::string_view original, absl::string_view what) {
  auto bad = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", ServerText(original, 200), "\" ", why));
  };
  Url url;
  std::string scheme;
  if (!GetPart(u, CURLUPART_SCHEME, 0, &scheme)) return bad("has no scheme");
  scheme = absl::AsciiStrToLower(scheme);
  if (scheme != "http" && scheme != "https") return bad("is not an http:// or https:// URL");
  std::string ignored;
  if (GetPart(u, CURLUPART_USER, 0, &ignored) || GetPart(u, CURLUPART_PASSWORD, 0, &ignored) ||
      GetPart(u, CURLUPART_OPTIONS, 0, &ignored)) {
    // "http://[::1]@other.example/" goes to other.example: user info only misleads.
    return bad("has user info (\"...@\" before the host), which is refused");
  }
  if (GetPart(u, CURLUPART_ZONEID, 0, &ignored)) return bad("has an IPv6 zone id");
  std::string host;
  if (!GetPart(u, CURLUPART_HOST, CURLU_PUNYCODE, &host) || host.empty()) {
    return bad("has no host");
  }
  host = absl::AsciiStrToLower(host);
  if (host.front() == '[') {
    in6_addr addr;
    std::string inner = host.substr(1, host.size() - 2);
    if (host.back() != ']' || inet_pton(AF_INET6, inner.c_str(), &addr) != 1) {
      return bad("has an invalid IPv6 address");
    }
  } else {
    for (char c : host) {
      if (!IsHostNameChar(c)) return bad("has an invalid host name");
    }
  }
  std::string port_text;
  int port = 0;
  if (!GetPart(u, CURLUPART_PORT, CURLU_DEFAULT_PORT, &port_text) ||
      !absl::SimpleAtoi(port_text, &port) || port <= 0 || port > 65535) {
    return bad("has an invalid port");
  }
  std::string path, query;
  if (!GetPart(u, CURLUPART_PATH, 0, &path) || path.empty()) path = "/";
  GetPart(u, CURLUPART_QUERY, 0, &query);
  url.origin = Origin{scheme, host, port};
  url.path_and_query = query.empty() ? path : absl::StrCat(path, "?", query);
  // Rebuilt from the checked parts (no fragment: it is never sent).
  url.text = absl::StrCat(url.origin.ToString(), url.path_and_query);
  return url;
}

}  // namespace

std::string Origin::HostAndPort() const {
  if (port == DefaultPort(scheme)) return host;
  return absl::StrCat(host, ":", port);
}

std::string Origin::ToString() const { return absl::StrCat(scheme, "://", HostAndPort()); }

bool Url::IsLoopback() const { return IsLoopbackHost(origin.host); }

absl::StatusOr<Url> ParseUrl(absl::string_view text, absl::string_view what) {
  CurlUrl u(curl_url());
  if (u == nullptr) return absl::ResourceExhaustedError("out of memory");
  std::string s(text);
  if (s.find('\0') != std::string::npos ||
      curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", ServerText(text, 200), "\" is not a valid URL"));
  }
  return FromHandle(u.get(), text, what);
}

absl::StatusOr<Url> ResolveUrl(const Url& base, absl::string_view reference,
                               absl::string_view what) {
  if (reference.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " is empty"));
  CurlUrl u(curl_url());
  if (u == nullptr) return absl::ResourceExhaustedError("out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, base.text.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("invalid base URL ", RedactUrl(base.text)));
  }
  // With a URL already set, libcurl resolves a relative reference against it (RFC 3986 5.2).
  std::string ref(reference);
  if (ref.find('\0') != std::string::npos ||
      curl_url_set(u.get(), CURLUPART_URL, ref.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " \"", ServerText(reference, 200), "\" is not a valid URL"));
  }
  return FromHandle(u.get(), reference, what);
}

bool IsLoopbackHost(absl::string_view host) {
  std::string h = absl::AsciiStrToLower(host);
  if (h == "localhost") return true;
  if (!h.empty() && h.front() == '[' && h.back() == ']') {
    std::string inner = h.substr(1, h.size() - 2);
    in6_addr a;
    if (inet_pton(AF_INET6, inner.c_str(), &a) != 1) return false;
    if (IN6_IS_ADDR_LOOPBACK(&a)) return true;
    return IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127;
  }
  in_addr a4;
  if (inet_pton(AF_INET, h.c_str(), &a4) != 1) return false;
  return (ntohl(a4.s_addr) >> 24) == 127;
}

std::string RedactUrl(absl::string_view url) {
  constexpr size_t kMaxShownUrl = 300;
  absl::string_view without_query = url.substr(0, url.find_first_of("?#"));
  std::string out(without_query);
  size_t q = url.find('?');
  if (q != absl::string_view::npos) {
    absl::string_view query = url.substr(q + 1);
    query = query.substr(0, query.find('#'));
    std::string shown;
    for (absl::string_view param : absl::StrSplit(query, '&', absl::SkipEmpty())) {
      size_t eq = param.find('=');
      absl::string_view key = param.substr(0, eq);
      bool keep = key == "digest" || key == "mount" || key == "from" || key == "service" ||
                  key == "scope" || key == "n" || key == "last";
      absl::StrAppend(&shown, shown.empty() ? "" : "&", key,
                      eq == absl::string_view::npos ? "" : (keep ? param.substr(eq) : "=..."));
    }
    absl::StrAppend(&out, "?", shown);
  }
  // Redacts user info and registered secrets, escapes what a terminal would act on.
  return ServerText(out, kMaxShownUrl);
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
  if (u == nullptr || curl_url_set(u.get(), CURLUPART_URL, s.c_str(), 0) != CURLUE_OK) {
    return absl::InvalidArgumentError(absl::StrCat("invalid URL ", RedactUrl(url)));
  }
  std::string param = absl::StrCat(PercentEncode(key), "=", PercentEncode(value));
  if (curl_url_set(u.get(), CURLUPART_QUERY, param.c_str(), CURLU_APPENDQUERY) != CURLUE_OK) {
    return absl::InternalError("cannot add a query parameter");
  }
  std::string out;
  if (!GetPart(u.get(), CURLUPART_URL, 0, &out)) return absl::InternalError("cannot print a URL");
  return out;
}

}  // namespace net
}  // namespace stowage
