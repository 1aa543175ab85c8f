#include "examples/bookstore/security.h"

#include "examples/bookstore/csrf_cookie.h"
#include "gtest/gtest.h"

namespace bookstore {
namespace {

Request MakeRequest(const HeaderList& headers, const char* path = "/books/1/",
                    const char* query = "") {
  Request request;
  request.method = "GET";
  request.path = path;
  request.raw_path = path;
  request.query = query;
  request.headers = &headers;
  return request;
}

SecurityPolicy Production() {
  SecurityPolicy policy;
  policy.ssl_redirect = true;
  policy.hsts_seconds = 31536000;
  policy.secure_cookies = true;
  return policy;
}

TEST(SecurityTest, SecureOnlyWhenTheProxySaysHttps) {
  HeaderList none;
  EXPECT_FALSE(IsSecureRequest(MakeRequest(none)));
  HeaderList https({{"X-Forwarded-Proto", "https"}});
  EXPECT_TRUE(IsSecureRequest(MakeRequest(https)));
  HeaderList lower_name({{"x-forwarded-proto", "https"}});
  EXPECT_TRUE(IsSecureRequest(MakeRequest(lower_name)));
  HeaderList http({{"X-Forwarded-Proto", "http"}});
  EXPECT_FALSE(IsSecureRequest(MakeRequest(http)));
  // Several proxies: the first value is the client's.
  HeaderList chain({{"X-Forwarded-Proto", "https, http"}});
  EXPECT_TRUE(IsSecureRequest(MakeRequest(chain)));
  HeaderList spoof({{"X-Forwarded-Proto", "http, https"}});
  EXPECT_FALSE(IsSecureRequest(MakeRequest(spoof)));
}

TEST(SecurityTest, RedirectsPlainHttpToHttpsKeepingPathAndQuery) {
  SecurityPolicy policy = Production();
  HeaderList http({{"Host", "shop.example.com"}, {"X-Forwarded-Proto", "http"}});
  Request request = MakeRequest(http, "/books/1/", "page=2&q=a%20b");
  EXPECT_EQ(SslRedirectTarget(policy, request, "shop.example.com"),
            "https://shop.example.com/books/1/?page=2&q=a%20b");
  HeaderList no_header({{"Host", "shop.example.com:8000"}});
  EXPECT_EQ(SslRedirectTarget(policy, MakeRequest(no_header, "/"), "shop.example.com:8000"),
            "https://shop.example.com:8000/");
  HeaderList https({{"X-Forwarded-Proto", "https"}});
  EXPECT_EQ(SslRedirectTarget(policy, MakeRequest(https), "h"), absl::nullopt);
  // The health check is answered over plain HTTP.
  EXPECT_EQ(SslRedirectTarget(policy, MakeRequest(no_header, "/healthz"), "h"), absl::nullopt);
  policy.ssl_redirect = false;
  EXPECT_EQ(SslRedirectTarget(policy, MakeRequest(http), "h"), absl::nullopt);
}

TEST(SecurityTest, HostValidation) {
  SecurityPolicy policy;
  policy.allowed_hosts = {".example.com", "localhost"};
  auto host = [&policy](const char* value) {
    HeaderList headers({{"Host", value}});
    return ValidatedHost(policy, MakeRequest(headers));
  };
  EXPECT_EQ(host("example.com"), "example.com");
  EXPECT_EQ(host("shop.EXAMPLE.com:8443"), "shop.EXAMPLE.com:8443");
  EXPECT_EQ(host("localhost:8000"), "localhost:8000");
  EXPECT_EQ(host("localhost."), "localhost.");
  EXPECT_EQ(host("evil.com"), absl::nullopt);
  EXPECT_EQ(host("example.com.evil.com"), absl::nullopt);
  EXPECT_EQ(host("notexample.com"), absl::nullopt);
  EXPECT_EQ(host("localhost:80x"), absl::nullopt);
  EXPECT_EQ(host("local host"), absl::nullopt);
  EXPECT_EQ(host("localhost/evil"), absl::nullopt);
  EXPECT_EQ(host(""), absl::nullopt);
  HeaderList none;
  EXPECT_EQ(ValidatedHost(policy, MakeRequest(none)), absl::nullopt);
  policy.allowed_hosts = {"*"};
  EXPECT_EQ(host("[::1]:8000"), "[::1]:8000");
  EXPECT_EQ(host("[::1"), absl::nullopt);
  EXPECT_EQ(host("anything.test"), "anything.test");
}

TEST(SecurityTest, HeadersInProductionAndDebug) {
  Headers secure;
  AddSecurityHeaders(Production(), /*secure=*/true, &secure);
  Headers expected = {
      {"Strict-Transport-Security", "max-age=31536000; includeSubDomains; preload"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "same-origin"},
      {"Cross-Origin-Opener-Policy", "same-origin"},
      {"X-Frame-Options", "DENY"},
  };
  EXPECT_EQ(secure, expected);
  // HSTS only over HTTPS (browsers ignore it on plain HTTP), as Django does.
  Headers plain;
  AddSecurityHeaders(Production(), /*secure=*/false, &plain);
  EXPECT_EQ(plain.size(), 4u);
  EXPECT_NE(plain[0].first, "Strict-Transport-Security");
  Headers debug;
  AddSecurityHeaders(SecurityPolicy{}, /*secure=*/true, &debug);
  EXPECT_EQ(debug.size(), 4u);
}

TEST(SecurityTest, CookieAttributes) {
  EXPECT_EQ(CookieAttributes(Production(), 60),
            "; Path=/; Max-Age=60; SameSite=Lax; HttpOnly; Secure");
  EXPECT_EQ(CookieAttributes(SecurityPolicy{}, 60), "; Path=/; Max-Age=60; SameSite=Lax; HttpOnly");
}

TEST(CsrfCookieTest, SignedTokensVerifyOnlyWithTheirKey) {
  CsrfSigner signer("k1-with-enough-entropy-for-a-test");
  std::string value = signer.NewValue();
  EXPECT_TRUE(signer.Verify(value));
  EXPECT_NE(signer.NewValue(), value);
  EXPECT_FALSE(CsrfSigner("another key").Verify(value));
  std::string tampered = value;
  tampered[0] = tampered[0] == 'a' ? 'b' : 'a';
  EXPECT_FALSE(signer.Verify(tampered));
  EXPECT_FALSE(signer.Verify(""));
  EXPECT_FALSE(signer.Verify("short.sig"));
  EXPECT_EQ(value.find("k1-with"), std::string::npos);
}

TEST(CsrfCookieTest, FindCookie) {
  EXPECT_EQ(FindCookie("a=1; csrftoken=xyz; b=2", "csrftoken"), "xyz");
  EXPECT_EQ(FindCookie("csrftoken2=1", "csrftoken"), absl::nullopt);
  EXPECT_EQ(FindCookie("", "csrftoken"), absl::nullopt);
}

}  // namespace
}  // namespace bookstore
