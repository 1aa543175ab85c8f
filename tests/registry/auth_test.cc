#include "builder/registry/auth.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

TEST(TokenTest, ParsesTokenOrAccessToken) {
  absl::Time now = absl::FromUnixSeconds(1000);
  auto t = ParseTokenResponse(R"({"token":"a","expires_in":300})", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->value, "a");
  EXPECT_EQ(t->expires, now + absl::Seconds(300));
  t = ParseTokenResponse(R"({"access_token":"b"})", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->value, "b");
  EXPECT_EQ(t->expires, now + absl::Seconds(60));
  EXPECT_FALSE(ParseTokenResponse(R"({"expires_in":3})", now).ok());
  EXPECT_FALSE(ParseTokenResponse("nope", now).ok());
}

struct FakeTokenServer {
  int calls = 0;
  std::string last_url;
  std::string last_auth;
  std::string last_auth_origin;
  TokenHttp Http() {
    return [this](const net::HttpRequest& r) -> absl::StatusOr<net::HttpResponse> {
      ++calls;
      last_url = r.url;
      last_auth.clear();
      last_auth_origin.clear();
      if (r.credential.has_value()) {
        last_auth = r.credential->authorization;
        last_auth_origin = r.credential->origin.ToString();
      }
      net::HttpResponse resp;
      resp.status = 200;
      resp.body = "{\"token\":\"tok" + std::to_string(calls) + "\",\"expires_in\":300}";
      return resp;
    };
  }
};

const char kBearer[] = R"(Bearer realm="http://127.0.0.1:9/token",service="reg")";

TEST(AuthenticatorTest, NoHeaderBeforeChallenge) {
  FakeTokenServer server;
  Authenticator a("h", Credentials{}, server.Http());
  auto h = a.AuthorizationFor({"repository:x:pull"});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "");
  EXPECT_EQ(server.calls, 0);
}

TEST(AuthenticatorTest, BasicChallengeUsesCredentialsOnce) {
  FakeTokenServer server;
  Credentials c{"user", "pass", "", "test"};
  Authenticator a("h", c, server.Http());
  ASSERT_TRUE(a.OnUnauthorized(R"(Basic realm="r")", {}, "").ok());
  auto h = a.AuthorizationFor({});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "Basic dXNlcjpwYXNz");
  // The same credentials rejected again: an error, not a loop.
  EXPECT_TRUE(absl::IsPermissionDenied(a.OnUnauthorized(R"(Basic realm="r")", {}, *h)));
}

TEST(AuthenticatorTest, BasicWithoutCredentialsIsAClearError) {
  FakeTokenServer server;
  Authenticator a("h", Credentials{}, server.Http());
  absl::Status s = a.OnUnauthorized(R"(Basic realm="r")", {}, "");
  EXPECT_TRUE(absl::IsPermissionDenied(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "no credentials"));
}

TEST(AuthenticatorTest, BearerTokensAreCachedPerScopeAndRefreshedOn401) {
  FakeTokenServer server;
  Credentials c{"user", "pass", "", "test"};
  Authenticator a("h", c, server.Http());
  std::vector<std::string> push = {"repository:app:pull,push"};
  ASSERT_TRUE(a.OnUnauthorized(kBearer, push, "").ok());
  auto h1 = a.AuthorizationFor(push);
  ASSERT_TRUE(h1.ok()) << h1.status();
  EXPECT_EQ(*h1, "Bearer tok1");
  EXPECT_EQ(server.last_url,
            "http://127.0.0.1:9/token?service=reg&scope=repository%3aapp%3apull%2cpush");
  EXPECT_EQ(server.last_auth, "Basic dXNlcjpwYXNz");
  // Bound to the realm's origin: a redirect elsewhere goes without it.
  EXPECT_EQ(server.last_auth_origin, "http://127.0.0.1:9");
  EXPECT_EQ(*a.AuthorizationFor(push), *h1);  // cached
  EXPECT_EQ(server.calls, 1);
  // Another scope set gets its own token.
  std::vector<std::string> mount = {"repository:app:pull,push", "repository:base:pull"};
  EXPECT_EQ(*a.AuthorizationFor(mount), "Bearer tok2");
  // The registry rejects tok1: it is dropped and fetched again.
  ASSERT_TRUE(a.OnUnauthorized(kBearer, push, *h1).ok());
  EXPECT_EQ(*a.AuthorizationFor(push), "Bearer tok3");
  EXPECT_EQ(server.calls, 3);
}

TEST(AuthenticatorTest, InsufficientScopeIsAnErrorNotALoop) {
  FakeTokenServer server;
  Authenticator a("h", Credentials{}, server.Http());
  std::vector<std::string> push = {"repository:app:pull,push"};
  ASSERT_TRUE(a.OnUnauthorized(kBearer, push, "").ok());
  auto h = a.AuthorizationFor(push);
  ASSERT_TRUE(h.ok());
  absl::Status s = a.OnUnauthorized(
      std::string(kBearer) + R"(,scope="repository:app:pull,push",error="insufficient_scope")",
      push, *h);
  EXPECT_TRUE(absl::IsPermissionDenied(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "anonymous")) << s;
}

TEST(AuthenticatorTest, AnonymousBearerSendsNoCredentials) {
  FakeTokenServer server;
  Authenticator a("h", Credentials{}, server.Http());
  ASSERT_TRUE(a.OnUnauthorized(kBearer, {"repository:x:pull"}, "").ok());
  ASSERT_TRUE(a.AuthorizationFor({"repository:x:pull"}).ok());
  EXPECT_EQ(server.last_auth, "");
}

TEST(TokenTest, WrongTypesAreErrorsNotExceptions) {
  absl::Time now = absl::FromUnixSeconds(1000);
  for (const char* body : {R"({"token":1})", R"({"token":["a"]})", R"({"token":""})", "[]", "1",
                           R"("token")", R"({"access_token":{}})", "{}"}) {
    EXPECT_FALSE(ParseTokenResponse(body, now).ok()) << body;
  }
  // The token goes into an Authorization header: no line breaks, spaces, controls, NULs or
  // megabytes of it.
  for (const std::string& token :
       {std::string("a\\r\\nX-Injected: 1"), std::string("a b"), std::string("a\\tb"),
        std::string("a\\u0000b"), std::string("\\u00e9"), std::string(70000, 'a')}) {
    std::string json = absl::StrCat(R"({"token":")", token, R"("})");
    EXPECT_FALSE(ParseTokenResponse(json, now).ok()) << json.substr(0, 40);
  }
  // A token of a wrong type under one name does not hide a good one under the other.
  auto other = ParseTokenResponse(R"({"token":5,"access_token":"b"})", now);
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->value, "b");
  // Odd expires_in values fall back or are clamped; they never throw.
  auto t = ParseTokenResponse(R"({"token":"a","expires_in":"300"})", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->expires, now + absl::Seconds(60));
  t = ParseTokenResponse(R"({"token":"a","expires_in":-5})", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->expires, now);
  t = ParseTokenResponse(R"({"token":"a","expires_in":18446744073709551615})", now);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->expires, now + absl::Hours(24));
  t = ParseTokenResponse(R"({"token":"a","expires_in":1.5e300})", now);
  ASSERT_TRUE(t.ok());
}

TEST(AuthenticatorTest, RealmUserInfoCannotFakeLoopback) {
  FakeTokenServer server;
  Credentials c{"user", "pass", "", "test"};
  Authenticator a("h", c, server.Http());
  // The host of this URL is other.example; "[::1]" is user info.
  ASSERT_TRUE(
      a.OnUnauthorized(R"(Bearer realm="http://[::1]@other.example:9/token")", {}, "").ok());
  auto h = a.AuthorizationFor({});
  EXPECT_FALSE(h.ok());
  EXPECT_TRUE(absl::StrContains(h.status().message(), "user info")) << h.status();
  EXPECT_EQ(server.calls, 0);
  for (const char* realm : {R"(Bearer realm="http://127.0.0.1@other.example/token")",
                            R"(Bearer realm="file:///etc/passwd")", R"(Bearer realm="/token")",
                            R"(Bearer realm="http://a b/")"}) {
    Authenticator b("h", c, server.Http());
    ASSERT_TRUE(b.OnUnauthorized(realm, {}, "").ok());
    EXPECT_FALSE(b.AuthorizationFor({}).ok()) << realm;
  }
  EXPECT_EQ(server.calls, 0);
}

TEST(AuthenticatorTest, PlainHttpRealmElsewhereNeedsInsecureEvenAnonymously) {
  FakeTokenServer server;
  Authenticator anonymous("h", Credentials{}, server.Http());
  ASSERT_TRUE(anonymous.OnUnauthorized(R"(Bearer realm="http://auth.example/token")", {}, "").ok());
  EXPECT_FALSE(anonymous.AuthorizationFor({}).ok());
  EXPECT_EQ(server.calls, 0);
  Authenticator insecure("h", Credentials{"user", "pass", "", "test"}, server.Http(),
                         AuthPolicy{/*allow_plain_http_realm=*/true});
  ASSERT_TRUE(insecure.OnUnauthorized(R"(Bearer realm="http://auth.example/token")", {}, "").ok());
  EXPECT_TRUE(insecure.AuthorizationFor({}).ok());
  EXPECT_EQ(server.last_auth_origin, "http://auth.example");
}

TEST(AuthenticatorTest, TokenServerErrorsNeverEchoCredentials) {
  Credentials c{"carol", "hunter2-secret", "", "test"};
  Authenticator a("h", c, [](const net::HttpRequest& r) -> absl::StatusOr<net::HttpResponse> {
    net::HttpResponse resp;
    resp.status = 400;
    // A token server that quotes the request back, escapes included.
    resp.body = "\x1b[31mbad request: Authorization: " + r.credential->authorization +
                " password=hunter2-secret";
    return resp;
  });
  ASSERT_TRUE(a.OnUnauthorized(kBearer, {"repository:x:pull"}, "").ok());
  auto h = a.AuthorizationFor({"repository:x:pull"});
  ASSERT_FALSE(h.ok());
  std::string m(h.status().message());
  EXPECT_EQ(m.find("hunter2"), std::string::npos) << m;
  EXPECT_EQ(m.find("Y2Fyb2w6aHVudGVyMi1zZWNyZXQ"), std::string::npos) << m;  // base64(user:pass)
  EXPECT_EQ(m.find('\x1b'), std::string::npos) << m;
  EXPECT_TRUE(absl::StrContains(m, "HTTP 400")) << m;
}

TEST(AuthenticatorTest, WwwAuthenticateIsQuotedEscaped) {
  FakeTokenServer server;
  Authenticator a("h", Credentials{}, server.Http());
  absl::Status s = a.OnUnauthorized("\x1b]0;pwned\x07Negotiate", {}, "");
  EXPECT_TRUE(absl::IsPermissionDenied(s));
  EXPECT_EQ(std::string(s.message()).find('\x1b'), std::string::npos) << s;
}

TEST(AuthenticatorTest, RefusesCredentialsToPlainHttpRealmElsewhere) {
  FakeTokenServer server;
  Credentials c{"user", "pass", "", "test"};
  Authenticator a("h", c, server.Http());
  ASSERT_TRUE(a.OnUnauthorized(R"(Bearer realm="http://auth.example/token")", {}, "").ok());
  EXPECT_FALSE(a.AuthorizationFor({}).ok());
  EXPECT_EQ(server.calls, 0);
}

}  // namespace
}  // namespace registry
}  // namespace stowage
