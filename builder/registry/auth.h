// Registry authentication: answers Basic and Bearer challenges (distribution token auth),
// caches bearer tokens per scope set and refreshes them when the registry rejects one.
//
// Where credentials go: Basic credentials to the registry (the caller binds them to its
// origin) or to the token realm the registry named; the realm is parsed with libcurl's URL API
// and refused when it carries user info, is not http(s), or is plain HTTP to a host that is not
// loopback (unless --insecure). Tokens we are issued are registered as secrets (server_text.h)
// so no message can print them.
#ifndef STOWAGE_BUILDER_REGISTRY_AUTH_H_
#define STOWAGE_BUILDER_REGISTRY_AUTH_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "builder/net/http.h"
#include "builder/registry/challenge.h"
#include "builder/registry/credentials.h"

namespace stowage {
namespace registry {

// A token response larger than this is refused (they are a few KiB).
inline constexpr size_t kMaxTokenResponseBytes = 1 << 20;
// A token goes into every request's Authorization header (real ones are a few KiB).
inline constexpr size_t kMaxTokenBytes = 64 << 10;
// Tokens live at most this long in the cache, whatever expires_in says.
inline constexpr int64_t kMaxTokenLifetimeSeconds = 24 * 3600;

struct Token {
  std::string value;
  absl::Time expires;
};

// Parses a token endpoint's JSON: "token" or "access_token" (a non-empty string),
// "expires_in" (an integer number of seconds, default 60, clamped to [0, 24 h]); other
// types are errors, never exceptions.
absl::StatusOr<Token> ParseTokenResponse(const std::string& body, absl::Time now);

// Performs an HTTP request for the authenticator (the token endpoint is its own server).
using TokenHttp = std::function<absl::StatusOr<net::HttpResponse>(const net::HttpRequest&)>;

struct AuthPolicy {
  bool allow_plain_http_realm = false;  // --insecure
};

class Authenticator {
 public:
  Authenticator(std::string host, Credentials credentials, TokenHttp http, AuthPolicy policy = {});

  // The Authorization value ("Basic ...", "Bearer ...") for a request to the registry that
  // needs `scopes`, or "" when the registry has not asked for credentials (yet). May fetch a
  // token.
  absl::StatusOr<std::string> AuthorizationFor(const std::vector<std::string>& scopes);

  // Learns from a 401 of the registry. Returns OK when retrying the request with
  // AuthorizationFor() makes sense (a first challenge, or a bearer token that expired), an
  // error otherwise (no credentials, credentials rejected). `rejected` is the Authorization
  // value the refused request carried ("" for none).
  absl::Status OnUnauthorized(const std::string& www_authenticate,
                              const std::vector<std::string>& scopes, const std::string& rejected);

  bool has_challenge() const;
  int tokens_fetched() const;

 private:
  absl::StatusOr<Token> FetchToken(const std::vector<std::string>& scopes);
  static std::string CacheKey(const std::vector<std::string>& scopes);

  const std::string host_;
  const Credentials credentials_;
  const TokenHttp http_;
  const AuthPolicy policy_;
  mutable std::mutex mu_;  // guards everything below; held across a token fetch on purpose
  Challenge challenge_;    // empty scheme until the first 401
  std::map<std::string, Token> tokens_;
  int tokens_fetched_ = 0;
};

// "Basic base64(user:pass)".
std::string BasicAuthorization(const Credentials& credentials);

// Registers the credentials' secrets (password, identity token, base64 of user:pass and their
// percent-encoded forms) with net::RegisterSecret.
void RegisterCredentialSecrets(const Credentials& credentials);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_AUTH_H_
