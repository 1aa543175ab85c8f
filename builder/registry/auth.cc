#include "builder/registry/auth.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/registry/registry_error.h"
#include "builder/registry/url.h"

namespace stowage {
namespace registry {
namespace {

// Refresh a little before the registry would reject the token.
constexpr absl::Duration kExpiryMargin = absl::Seconds(10);

std::string BasicHeader(const Credentials& c) {
  return "Authorization: Basic " + absl::Base64Escape(c.username + ":" + c.password);
}

}  // namespace

absl::StatusOr<Token> ParseTokenResponse(const std::string& body, absl::Time now) {
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(body, "the token server's answer"));
  if (!j.is_object()) return absl::InvalidArgumentError("token server answer is not a JSON object");
  Token t;
  for (const char* field : {"token", "access_token"}) {
    if (j.contains(field) && j[field].is_string() && !j[field].get<std::string>().empty()) {
      t.value = j[field].get<std::string>();
      break;
    }
  }
  if (t.value.empty()) return absl::InvalidArgumentError("token server answer has no token");
  int64_t expires_in = 60;
  if (j.contains("expires_in") && j["expires_in"].is_number_integer()) {
    expires_in = std::max<int64_t>(j["expires_in"].get<int64_t>(), 0);
  }
  t.expires = now + absl::Seconds(expires_in);
  return t;
}

Authenticator::Authenticator(std::string host, Credentials credentials, TokenHttp http)
    : host_(std::move(host)), credentials_(std::move(credentials)), http_(std::move(http)) {}

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

absl::StatusOr<std::string> Authenticator::HeaderFor(const std::vector<std::string>& scopes) {
  std::lock_guard<std::mutex> lock(mu_);
  if (challenge_.scheme == "basic") {
    if (credentials_.username.empty()) return std::string();
    return BasicHeader(credentials_);
  }
  if (challenge_.scheme != "bearer") return std::string();
  std::string key = CacheKey(scopes);
  auto it = tokens_.find(key);
  if (it == tokens_.end() || it->second.expires - kExpiryMargin <= absl::Now()) {
    ASSIGN_OR_RETURN(Token token, FetchToken(scopes));
    it = tokens_.insert_or_assign(key, std::move(token)).first;
  }
  return "Authorization: Bearer " + it->second.value;
}

absl::Status Authenticator::OnUnauthorized(const std::string& www_authenticate,
                                           const std::vector<std::string>& scopes,
                                           const std::string& rejected_header) {
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
        www_authenticate.substr(0, 200), "\")"));
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
    if (absl::StartsWith(rejected_header, "Authorization: Basic")) {
      return absl::PermissionDeniedError(
          absl::StrCat(host_, " rejected the credentials from ", credentials_.origin));
    }
    return absl::OkStatus();
  }
  if (challenge_.Param("realm").empty()) {
    return absl::PermissionDeniedError(host_ + " sent a Bearer challenge without a realm");
  }
  if (absl::StartsWith(rejected_header, "Authorization: Bearer") &&
      chosen->Param("error") == "insufficient_scope") {
    // The token was issued for exactly these scopes: another one will not do better.
    return absl::PermissionDeniedError(absl::StrCat(
        host_, " denied ",
        chosen->Param("scope").empty() ? absl::StrJoin(scopes, " ") : chosen->Param("scope"),
        " (insufficient_scope) to ",
        credentials_.anonymous() ? "anonymous requests: log in (docker config.json)"
                                 : credentials_.origin + " credentials"));
  }
  std::string key = CacheKey(scopes);
  auto it = tokens_.find(key);
  if (it != tokens_.end()) {
    if (rejected_header == "Authorization: Bearer " + it->second.value) {
      // The registry no longer accepts this token (expired or revoked): fetch a fresh one.
      tokens_.erase(it);
      return absl::OkStatus();
    }
    return absl::OkStatus();  // another request refreshed it meanwhile
  }
  return absl::OkStatus();
}

absl::StatusOr<Token> Authenticator::FetchToken(const std::vector<std::string>& scopes) {
  const std::string realm = challenge_.Param("realm");
  const std::string service = challenge_.Param("service");
  std::string realm_host;
  {
    std::string scheme;
    size_t p = realm.find("://");
    if (p == std::string::npos) {
      return absl::PermissionDeniedError("token realm \"" + realm + "\" is not an absolute URL");
    }
    scheme = realm.substr(0, p);
    realm_host = realm.substr(p + 3);
    realm_host = realm_host.substr(0, realm_host.find_first_of("/?"));
    if (scheme == "http" && !credentials_.anonymous() && !IsLoopbackHost(realm_host)) {
      return absl::PermissionDeniedError(
          "refusing to send credentials to a plain-HTTP token realm on " + realm_host);
    }
  }
  HttpRequest request;
  request.follow_redirects = true;
  if (!credentials_.identity_token.empty()) {
    // An identity token is an OAuth2 refresh token (docker login with a token).
    request.method = "POST";
    request.url = realm;
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.body = absl::StrCat("grant_type=refresh_token&client_id=stowage&refresh_token=",
                                PercentEncode(credentials_.identity_token),
                                "&service=", PercentEncode(service),
                                "&scope=", PercentEncode(absl::StrJoin(scopes, " ")));
  } else {
    request.method = "GET";
    std::string url = realm;
    if (!service.empty()) {
      ASSIGN_OR_RETURN(url, AddQueryParameter(url, "service", service));
    }
    for (const std::string& scope : scopes) {
      ASSIGN_OR_RETURN(url, AddQueryParameter(url, "scope", scope));
    }
    request.url = url;
    if (!credentials_.username.empty()) request.headers.push_back(BasicHeader(credentials_));
  }
  ASSIGN_OR_RETURN(HttpResponse response, http_(request));
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
  ++tokens_fetched_;
  return token;
}

}  // namespace registry
}  // namespace stowage
