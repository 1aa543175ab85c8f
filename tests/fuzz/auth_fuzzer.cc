// Registry authentication against a hostile registry and token server: the WWW-Authenticate
// challenge, the token request it leads to, and the token server's answer (or error body).
// Input: the WWW-Authenticate value, "@@@", the token server's HTTP status, "@@@", its body,
// "@@@", credentials ("user:password", "<token>:identity-token" or empty for anonymous).
// In the body, "@ECHO@" is replaced by the Authorization header of the token request, as a
// server that echoes the request would.
//
// Properties beyond "no crash": credentials travel over plain HTTP only to loopback hosts
// (the host as libcurl's URL parser sees it), and no error message carries a password, a
// Basic credential or an identity token.
#include <curl/curl.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "builder/net/http.h"
#include "builder/registry/auth.h"
#include "builder/registry/challenge.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace stowage;
using namespace stowage::registry;
namespace net = stowage::net;

constexpr char kSecretCanary[] = "-Zq9auth7Canary";

std::string UrlPart(CURLU* url, CURLUPart part) {
  char* value = nullptr;
  std::string out;
  if (curl_url_get(url, part, &value, 0) == CURLUE_OK && value != nullptr) out = value;
  curl_free(value);
  return out;
}

bool CarriesCredentials(const net::HttpRequest& request) {
  return request.credential.has_value() || absl::StrContains(request.body, "refresh_token=");
}

// Loopback as the URL parser reads the host: 127.0.0.0/8, [::1], localhost. Written out here
// rather than taken from the code under test.
bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  unsigned a, b, c, d;
  char tail;
  return std::sscanf(host.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 &&
         b < 256 && c < 256 && d < 256;
}

void CheckCredentialDestination(const net::HttpRequest& request) {
  if (!CarriesCredentials(request)) return;
  CURLU* url = curl_url();
  bool parsed = curl_url_set(url, CURLUPART_URL, request.url.c_str(), 0) == CURLUE_OK;
  std::string scheme = parsed ? UrlPart(url, CURLUPART_SCHEME) : "";
  std::string host = parsed ? UrlPart(url, CURLUPART_HOST) : "";
  curl_url_cleanup(url);
  // A URL curl cannot parse, or one for another protocol, is never sent (the transport allows
  // http and https only).
  if (scheme == "http" && !IsLoopback(host)) {
    fuzz::InvariantFailed("credentials sent over plain HTTP to " + host, request.url);
  }
}

void CheckNoSecret(const absl::Status& status, const Credentials& creds) {
  if (status.ok()) return;
  std::string message(status.message());
  std::vector<std::string> secrets = {creds.password, creds.identity_token};
  if (!creds.username.empty() || !creds.password.empty()) {
    secrets.push_back(absl::Base64Escape(creds.username + ":" + creds.password));
  }
  for (const std::string& secret : secrets) {
    if (secret.size() >= 4 && absl::StrContains(message, secret)) {
      fuzz::InvariantFailed("an error message carries a credential", message);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = fuzz::SplitInput(data, size, 4);
  (void)ParseChallenges(in[0]);
  (void)ParseTokenResponse(in[2], absl::Now());
  (void)PushScopes("team/app", {"library/base", "team/app", in[3]});

  Credentials creds;
  creds.origin = "config.json auths";
  std::pair<std::string, std::string> user_pass = absl::StrSplit(in[3], absl::MaxSplits(':', 1));
  // Secrets end in a canary that none of our own text holds, so "the message carries the
  // password" means it was leaked, not that the fuzzer picked a word of ours ("oken" is in
  // "token server").
  const std::string secret = user_pass.second.empty() ? "" : user_pass.second + kSecretCanary;
  if (user_pass.first == "<token>") {
    creds.identity_token = secret;
  } else {
    creds.username = user_pass.first;
    creds.password = secret;
  }
  long status = 200;
  if (!absl::SimpleAtoi(in[1], &status)) status = 200;
  int requests = 0;
  TokenHttp http = [&](const net::HttpRequest& request) -> absl::StatusOr<net::HttpResponse> {
    CheckCredentialDestination(request);
    ++requests;
    std::string authorization;
    if (request.credential.has_value()) {
      authorization = "Authorization: " + request.credential->authorization;
    }
    net::HttpResponse response;
    response.status = status;
    response.url = request.url;
    response.body = absl::StrReplaceAll(in[2], {{"@ECHO@", authorization + request.body}});
    return response;
  };
  Authenticator auth("127.0.0.1:5000", creds, http);
  std::vector<std::string> scopes = {RepositoryScope("team/app", {"pull", "push"})};
  absl::Status s = auth.OnUnauthorized(in[0], scopes, "");
  fuzz::Trace("challenge", s);
  CheckNoSecret(s, creds);
  if (!s.ok()) return 0;
  absl::StatusOr<std::string> header = auth.AuthorizationFor(scopes);
  fuzz::Trace("header", header.status());
  CheckNoSecret(header.status(), creds);
  if (!header.ok()) return 0;
  // The registry rejects what we sent: a second round, as after an expired token.
  s = auth.OnUnauthorized(in[0], scopes, *header);
  CheckNoSecret(s, creds);
  if (s.ok()) CheckNoSecret(auth.AuthorizationFor(scopes).status(), creds);
  return 0;
}
