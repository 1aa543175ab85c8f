// URLs the way every request of the tool sees them: parsed with libcurl's URL API (never by
// cutting strings), reduced to an origin (scheme, host, port) for credential binding, and
// checked for what a server must not slip in (user info, other schemes).
#ifndef STOWAGE_BUILDER_NET_URL_H_
#define STOWAGE_BUILDER_NET_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace net {

// Where a credential may go: RFC 6454 origin.
struct Origin {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; an IPv6 literal keeps its brackets ("[::1]")
  int port = 0;        // always set (the scheme's default when the URL has none)

  // "https://host" or "http://host:5000" (the port only when it is not the default).
  std::string ToString() const;
  // "host" or "host:port" (the port only when it is not the scheme's default).
  std::string HostAndPort() const;
  bool operator==(const Origin& o) const {
    return scheme == o.scheme && host == o.host && port == o.port;
  }
  bool operator!=(const Origin& o) const { return !(*this == o); }
};

struct Url {
  std::string text;  // the normalized URL, as libcurl prints it
  Origin origin;
  std::string path_and_query;  // "/v2/?x=1"

  bool IsLoopback() const;
};

// Parses an absolute http:// or https:// URL. Refused: other schemes, user info
// ("http://[::1]@other.example/" names other.example, not loopback), IPv6 zone ids, host names
// with characters outside [a-z0-9.-], and anything libcurl's parser rejects (spaces, control
// characters). `what` names the URL in errors ("the token realm").
absl::StatusOr<Url> ParseUrl(absl::string_view text, absl::string_view what = "URL");

// Resolves `reference` (absolute URL, absolute path, relative reference, network-path) against
// `base` (RFC 3986 section 5), with the same checks as ParseUrl on the result.
absl::StatusOr<Url> ResolveUrl(const Url& base, absl::string_view reference,
                               absl::string_view what = "Location");

// True for 127.0.0.0/8, ::1 (and ::ffff:127.x.y.z) and "localhost" (which libcurl resolves to
// loopback itself, without asking the resolver). `host` as in Origin::host.
bool IsLoopbackHost(absl::string_view host);

// The URL for messages: scheme, host, port and path; query values replaced by "..." except a
// few that say what the request was (digest, mount, from, service, scope, n, last), so signed
// query strings (upload state, object-store signatures) never reach a log. Control characters
// escaped, length capped.
std::string RedactUrl(absl::string_view url);

// Appends "key=value" to the URL's query (value percent-encoded), keeping existing parameters.
absl::StatusOr<std::string> AddQueryParameter(absl::string_view url, absl::string_view key,
                                              absl::string_view value);

// Percent-encodes everything outside RFC 3986 unreserved characters.
std::string PercentEncode(absl::string_view value);

}  // namespace net
}  // namespace stowage

#endif  // STOWAGE_BUILDER_NET_URL_H_
