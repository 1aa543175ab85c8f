// Registry authentication: answers Basic and Bearer challenges (distribution token auth),
// caches bearer tokens per scope set and refreshes them when the registry rejects one.
#ifndef STOWAGE_BUILDER_REGISTRY_AUTH_H_
#define STOWAGE_BUILDER_REGISTRY_AUTH_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "builder/registry/challenge.h"
#include "builder/registry/credentials.h"
#include "builder/registry/http.h"

namespace stowage {
namespace registry {

struct Token {
  std::string value;
  absl::Time expires;
};

// Parses a token endpoint's JSON: "token" or "access_token", "expires_in" (default 60 s).
absl::StatusOr<Token> ParseTokenResponse(const std::string& body, absl::Time now);

// Performs an HTTP request for the authenticator (the token endpoint is its own server).
using TokenHttp = std::function<absl::StatusOr<HttpResponse>(const HttpRequest&)>;

class Authenticator {
 public:
  Authenticator(std::string host, Credentials credentials, TokenHttp http);

  // The Authorization header line for a request that needs `scopes`, or "" when the registry
  // has not asked for credentials (yet). May fetch a token.
  absl::StatusOr<std::string> HeaderFor(const std::vector<std::string>& scopes);

  // Learns from a 401. Returns OK when retrying the request with HeaderFor() makes sense (a
  // first challenge, or a bearer token that expired), an error otherwise (no credentials,
  // credentials rejected).
  absl::Status OnUnauthorized(const std::string& www_authenticate,
                              const std::vector<std::string>& scopes,
                              const std::string& rejected_header);

  bool has_challenge() const;
  int tokens_fetched() const;

 private:
  absl::StatusOr<Token> FetchToken(const std::vector<std::string>& scopes);
  static std::string CacheKey(const std::vector<std::string>& scopes);

  const std::string host_;
  const Credentials credentials_;
  const TokenHttp http_;
  mutable std::mutex mu_;  // guards everything below; held across a token fetch on purpose
  Challenge challenge_;    // empty scheme until the first 401
  std::map<std::string, Token> tokens_;
  int tokens_fetched_ = 0;
};

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_AUTH_H_
