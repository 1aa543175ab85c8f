#include "builder/registry/auth.h"

#include "absl/strings/match.h"
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
  TokenHttp Http() {
    return [this](const HttpRequest& r) -> absl::StatusOr<HttpResponse> {
      ++calls;
      last_url = r.url;
      last_auth.clear();
      for (const auto& h : r.headers) {
        if (absl::StartsWith(h, "Authorization:")) last_auth = h;
      }
      HttpResponse resp;
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
  auto h = a.HeaderFor({"repository:x:pull"});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "");
  EXPECT_EQ(server.calls, 0);
}

TEST(AuthenticatorTest, BasicChallengeUsesCredentialsOnce) {
  FakeTokenServer server;
  Credentials c{"user", "pass", "", "test"};
  Authenticator a("h", c, server.Http());
  ASSERT_TRUE(a.OnUnauthorized(R"(Basic realm="r")", {}, "").ok());
  auto h = a.HeaderFor({});
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(*h, "Authorization: Basic dXNlcjpwYXNz");
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
  auto h1 = a.HeaderFor(push);
  ASSERT_TRUE(h1.ok()) << h1.status();
  EXPECT_EQ(*h1, "Authorization: Bearer tok1");
  EXPECT_EQ(server.last_url,
            "http://127.0.0.1:9/token?service=reg&scope=repository%3aapp%3apull%2cpush");
  EXPECT_EQ(server.last_auth, "Authorization: Basic dXNlcjpwYXNz");
  EXPECT_EQ(*a.HeaderFor(push), *h1);  // cached
  EXPECT_EQ(server.calls, 1);
  // Another scope set gets its own token.
  std::vector<std::string> mount = {"repository:app:pull,push", "repository:base:pull"};
  EXPECT_EQ(*a.HeaderFor(mount), "Authorization: Bearer tok2");
  // The registry rejects tok1: it is dropped and fetched again.
  ASSERT_TRUE(a.OnUnauthorized(kBearer, push, *h1).ok());
  EXPECT_EQ(*a.HeaderFor(push), "Authorization: Bearer tok3");
  EXPECT_EQ(server.calls, 3);
}

TEST(AuthenticatorTest, InsufficientScopeIsAnErrorNotALoop) {
  FakeTokenServer server;
  Authenticator a("h", Credentials{}, server.Http());
  std::vector<std::string> push = {"repository:app:pull,push"};
  ASSERT_TRUE(a.OnUnauthorized(kBearer, push, "").ok());
  auto h = a.HeaderFor(push);
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
  ASSERT_TRUE(a.HeaderFor({"repository:x:pull"}).ok());
  EXPECT_EQ(server.last_auth, "");
}

TEST(AuthenticatorTest, RefusesCredentialsToPlainHttpRealmElsewhere) {
  FakeTokenServer server;
  Credentials c{"user", "pass", "", "test"};
  Authenticator a("h", c, server.Http());
  ASSERT_TRUE(a.OnUnauthorized(R"(Bearer realm="http://auth.example/token")", {}, "").ok());
  EXPECT_FALSE(a.HeaderFor({}).ok());
  EXPECT_EQ(server.calls, 0);
}

}  // namespace
}  // namespace registry
}  // namespace stowage
