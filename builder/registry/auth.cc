#include "builder/registry/auth.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"
#include "builder/net/url.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace registry {
namespace {

// Refresh a little before the registry would reject the token.
constexpr absl::Duration kExpiryMargin = absl::Seconds(10);
// Redirects a token endpoint may send us through (each hop checked; credentials stay with
// the realm's origin).
constexpr int kMaxTokenRedirects = 5;

}  // namespace

std::string BasicAuthorization(const Credentials& c) {
  return "Basic " + absl::Base64Escape(c.username + ":" + c.password);
}

void RegisterCredentialSecrets(const Credentials& c) {
  for (const std::string& secret : {c.password, c.identity_token}) {
    net::RegisterSecret(secret);
    net::RegisterSecret(net::PercentEncode(secret));
  }
  if (!c.username.empty() || !c.password.empty()) {
    std::string pair = c.username + ":" + c.password;
    net::RegisterSecret(absl::Base64Escape(pair));
    net::RegisterSecret(absl::WebSafeBase64Escape(pair));
  }
}

absl::StatusOr<Token> ParseTokenResponse(const std::string& body, absl::Time now) {
  ASSIGN_OR_RETURN(nlohmann::json j,
                   ParseJson(body, "the token server's answer", kMaxTokenResponseBytes));
  JsonView root(j, "the token server's answer");
  if (!root.is_object()) {
    return absl::InvalidArgumentError("token server answer is not a JSON object");
  }
  Token t;
  for (const char* field : {"token", "access_token"}) {
    ASSIGN_OR_RETURN(JsonView value, root.Get(field));
    if (!value.is_string()) continue;  // absent, null or another type: try the other name
    ASSIGN_OR_RETURN(t.value, value.AsString(kMaxTokenBytes));
    if (!t.value.empty()) break;
  }
  if (t.value.empty()) return absl::InvalidArgumentError("token server answer has no token");
  // The token goes into an Authorization header: a line break would add headers of the
  // server's choosing to every registry request, a space or a control byte would garble it.
  for (char c : t.value) {
    if (c <= ' ' || c >= 0x7f) {
      return absl::InvalidArgumentError(
          "token server answer has a token with a space, control or non-ASCII byte");
    }
  }
  int64_t expires_in = 60;  // what the token spec says a missing or unusable value means
  ASSIGN_OR_RETURN(JsonView expires, root.Get("expires_in"));
  absl::StatusOr<int64_t> seconds = expires.AsInt(INT64_MIN, INT64_MAX);
  if (seconds.ok()) {
    // Negative: already expired; longer than a day: a day.
    expires_in = std::clamp<int64_t>(*seconds, 0, kMaxTokenLifetimeSeconds);
  } else if (expires.json().is_number_unsigned()) {
    expires_in = kMaxTokenLifetimeSeconds;  // beyond int64
  }
  t.expires = now + absl::Seconds(expires_in);
  return t;
}

Authenticator::Authenticator(std::string host, Credentials credentials, TokenHttp http,
                             AuthPolicy policy)
    : host_(std::move(host)),
      credentials_(std::move(credentials)),
      http_(std::move(http)),
      policy_(policy) {
  RegisterCredentialSecrets(credentials_);
}

bool Authenticator::has_challenge() const {
  std::lock_guard<std::mutex> lock(mu_);
  return !challenge_.scheme.empty();
}

int Authenticator::tokens_fetched() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tokens_fetched_;
}

std::string Authenticator::CacheKey(const std::vector<std::string>& scopes) {
  std::vector<std::string> sorted = scopes;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return absl::StrJoin(sorted, " ");
}

absl::StatusOr<std::string> Authenticator::AuthorizationFor(
    const std::vector<std::string>& scopes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (challenge_.scheme == "basic") {
    if (credentials_.username.empty()) return std::string();
    return BasicAuthorization(credentials_);
  }
  if (challenge_.scheme != "bearer") return std::string();
  std::string key = CacheKey(scopes);
  auto it = tokens_.find(key);
  if (it == tokens_.end() || it->second.expires - kExpiryMargin <= absl::Now()) {
    ASSIGN_OR_RETURN(Token token, FetchToken(scopes));
    it = tokens_.insert_or_assign(key, std::move(token)).first;
  }
  return "Bearer " + it->second.value;
}

absl::Status Authenticator::OnUnauthorized(const std::string& www_authenticate,
                                           const std::vector<std::string>& scopes,
                                           const std::string& rejected) {
  std::vector<Challenge> challenges = ParseChallenges(www_authenticate);
  const Challenge* chosen = nullptr;
  for (const Challenge& c : challenges) {
    if (c.scheme == "bearer") chosen = &c;
  }
  for (const Challenge& c : challenges) {
    if (chosen == nullptr && c.scheme == "basic") chosen = &c;
  }
  if (chosen == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat(
        host_, " answered 401 without a Basic or Bearer challenge (WWW-Authenticate: \"",
        net::ServerText(www_authenticate, 200), "\")"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  challenge_ = *chosen;
  if (challenge_.scheme == "basic") {
    if (credentials_.username.empty()) {
      return absl::PermissionDeniedError(
          absl::StrCat(host_,
                       " requires a login and no credentials were found for it (docker config.json "
                       "auths, credHelpers or credsStore)"));
    }
    if (absl::StartsWith(rejected, "Basic ")) {
      return absl::PermissionDeniedError(
          absl::StrCat(host_, " rejected the credentials from ", credentials_.origin));
    }
    return absl::OkStatus();
  }
  if (challenge_.Param("realm").empty()) {
    return absl::PermissionDeniedError(host_ + " sent a Bearer challenge without a realm");
  }
  if (absl::StartsWith(rejected, "Bearer ") && chosen->Param("error") == "insufficient_scope") {
    // The token was issued for exactly these scopes: another one will not do better.
    return absl::PermissionDeniedError(
        absl::StrCat(host_, " denied ",
                     chosen->Param("scope").empty() ? absl::StrJoin(scopes, " ")
                                                    : net::ServerText(chosen->Param("scope"), 200),
                     " (insufficient_scope) to ",
                     credentials_.anonymous() ? "anonymous requests: log in (docker config.json)"
                                              : credentials_.origin + " credentials"));
  }
  std::string key = CacheKey(scopes);
  auto it = tokens_.find(key);
  if (it != tokens_.end() && rejected == "Bearer " + it->second.value) {
    // The registry no longer accepts this token (expired or revoked): fetch a fresh one.
    tokens_.erase(it);
  }
  // Otherwise another request refreshed it meanwhile, or this is the first challenge.
  return absl::OkStatus();
}

absl::StatusOr<Token> Authenticator::FetchToken(const std::vector<std::string>& scopes) {
  const std::string service = challenge_.Param("service");
  // Parsed by libcurl, never cut by hand: "http://[::1]@other.example/token" names
  // other.example (and is refused for its user info).
  absl::StatusOr<net::Url> parsed = net::ParseUrl(challenge_.Param("realm"), "token realm");
  if (!parsed.ok()) {
    return absl::PermissionDeniedError(
        absl::StrCat(host_, " sent an unusable Bearer challenge: ", parsed.status().message()));
  }
  const net::Url& realm = *parsed;
  const std::string realm_host = net::ServerText(realm.origin.HostAndPort(), 200);
  if (realm.origin.scheme == "http" && !realm.IsLoopback() && !policy_.allow_plain_http_realm) {
    return absl::PermissionDeniedError(
        absl::StrCat("refusing the plain-HTTP token realm ", net::RedactUrl(realm.text), " that ",
                     host_, " named: only loopback hosts may use http:// without --insecure"));
  }
  net::HttpRequest request;
  request.max_redirects = kMaxTokenRedirects;
  request.max_body_bytes = kMaxTokenResponseBytes;
  if (!credentials_.identity_token.empty()) {
    // An identity token is an OAuth2 refresh token (docker login with a token).
    request.method = "POST";
    request.url = realm.text;
    request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    request.body = absl::StrCat("grant_type=refresh_token&client_id=stowage&refresh_token=",
                                net::PercentEncode(credentials_.identity_token),
                                "&service=", net::PercentEncode(service),
                                "&scope=", net::PercentEncode(absl::StrJoin(scopes, " ")));
  } else {
    request.method = "GET";
    std::string url = realm.text;
    if (!service.empty()) {
      ASSIGN_OR_RETURN(url, net::AddQueryParameter(url, "service", service));
    }
    for (const std::string& scope : scopes) {
      ASSIGN_OR_RETURN(url, net::AddQueryParameter(url, "scope", scope));
    }
    request.url = url;
    if (!credentials_.username.empty()) {
      // Bound to the realm's origin: a redirect elsewhere goes without it.
      request.credential = net::Credential{BasicAuthorization(credentials_), realm.origin};
    }
  }
  ASSIGN_OR_RETURN(net::HttpResponse response, http_(request));
  if (response.status == 401 || response.status == 403) {
    return absl::PermissionDeniedError(absl::StrCat(
        "token server ", realm_host, " refused ",
        credentials_.anonymous() ? "anonymous access" : credentials_.origin + " credentials",
        " for ", absl::StrJoin(scopes, " "), " (HTTP ", response.status, ")"));
  }
  if (response.status != 200) {
    return RegistryError(response.status, response.body, "token request to " + realm_host);
  }
  ASSIGN_OR_RETURN(Token token, ParseTokenResponse(response.body, absl::Now()));
  net::RegisterSecret(token.value);
  ++tokens_fetched_;
  return token;
}

}  // namespace registry
}  // namespace stowage
