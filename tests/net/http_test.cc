// The transport against real sockets on loopback: origin-bound credentials across redirects,
// checked redirect targets, plain-HTTP policy, caps and deadlines.
#include "builder/net/http.h"

#include <chrono>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/net/test_server.h"

namespace stowage {
namespace net {
namespace {

using testing::SeenRequest;
using testing::TestServer;

TestServer::Handler Reply(int status, std::string headers, std::string body = "") {
  return [=](const SeenRequest&, int fd, const std::atomic<bool>&) {
    TestServer::Write(fd, TestServer::Answer(status, headers, body));
  };
}

// Waits (without answering) until the test ends.
void Stall(const std::atomic<bool>& stop) {
  while (!stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

HttpRequest WithCredential(const std::string& url, const TestServer& owner) {
  HttpRequest r;
  r.url = url;
  r.credential = Credential{"Basic dXNlcjpwYXNz", ParseUrl(owner.Url("/"))->origin};
  return r;
}

TEST(HttpTransportTest, CredentialGoesToItsOriginOnly) {
  TestServer other(Reply(200, "", "blob"));
  TestServer registry(Reply(307, "Location: " + other.Url("/storage/blob?sig=abc") + "\r\n"));
  HttpTransport t{TransportOptions{}};
  HttpRequest r = WithCredential(registry.Url("/v2/app/blobs/sha256:1"), registry);
  r.max_redirects = kMaxRedirects;
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "blob");
  EXPECT_TRUE(response->credential_withheld);
  ASSERT_EQ(registry.requests().size(), 1u);
  EXPECT_EQ(registry.requests()[0].headers.at("authorization"), "Basic dXNlcjpwYXNz");
  ASSERT_EQ(other.requests().size(), 1u);
  // Another port is another origin: no credential there.
  EXPECT_EQ(other.requests()[0].headers.count("authorization"), 0u);
}

TEST(HttpTransportTest, SameOriginRedirectKeepsTheCredential) {
  std::atomic<int> n{0};
  TestServer* self = nullptr;
  TestServer registry([&](const SeenRequest&, int fd, const std::atomic<bool>&) {
    if (n++ == 0) {
      TestServer::Write(fd, TestServer::Answer(302, "Location: /second\r\n", ""));
    } else {
      TestServer::Write(fd, TestServer::Answer(200, "", "ok"));
    }
  });
  self = &registry;
  HttpTransport t{TransportOptions{}};
  HttpRequest r = WithCredential(self->Url("/first"), *self);
  r.max_redirects = 3;
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_FALSE(response->credential_withheld);
  ASSERT_EQ(registry.requests().size(), 2u);
  EXPECT_EQ(registry.requests()[1].target, "/second");
  EXPECT_EQ(registry.requests()[1].headers.at("authorization"), "Basic dXNlcjpwYXNz");
}

TEST(HttpTransportTest, RedirectTargetsAreChecked) {
  for (const std::string& location :
       {std::string("file:///etc/passwd"), std::string("ftp://127.0.0.1/x"),
        std::string("http://127.0.0.1@example.invalid/x"),
        // Plain HTTP to a host that is not loopback: refused before any connection.
        std::string("http://example.invalid:1/x")}) {
    TestServer registry(Reply(302, "Location: " + location + "\r\n"));
    HttpTransport t{TransportOptions{}};
    HttpRequest r;
    r.url = registry.Url("/");
    r.max_redirects = 5;
    absl::StatusOr<HttpResponse> response = t.Do(r);
    EXPECT_FALSE(response.ok()) << location;
    EXPECT_TRUE(absl::IsFailedPrecondition(response.status())) << response.status();
  }
}

TEST(HttpTransportTest, BodiesNeverFollowARedirectElsewhere) {
  // A token endpoint answering the refresh-token POST with a 307 to another origin: resending
  // the body there would hand over the refresh token.
  TestServer other(Reply(200, "", "{}"));
  TestServer realm(Reply(307, "Location: " + other.Url("/token") + "\r\n"));
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.method = "POST";
  r.url = realm.Url("/token");
  r.body = "grant_type=refresh_token&refresh_token=secret-refresh";
  r.max_redirects = 5;
  absl::Status s = t.Do(r).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE(other.requests().empty());
  // A 303 turns it into a GET without the body: that may go elsewhere.
  TestServer see_other(Reply(303, "Location: " + other.Url("/token") + "\r\n"));
  r.url = see_other.Url("/token");
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(other.requests().size(), 1u);
  EXPECT_EQ(other.requests()[0].method, "GET");
  EXPECT_EQ(other.requests()[0].body, "");
}

TEST(HttpTransportTest, RedirectLoopsEnd) {
  TestServer loop(Reply(302, "Location: /again\r\n"));
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.url = loop.Url("/");
  r.max_redirects = 4;
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_FALSE(response.ok());
  EXPECT_TRUE(absl::StrContains(response.status().message(), "more than 4 redirects"));
  EXPECT_EQ(loop.requests().size(), 5u);
}

TEST(HttpTransportTest, NoRedirectsUnlessAsked) {
  TestServer other(Reply(200, ""));
  TestServer registry(Reply(302, "Location: " + other.Url("/") + "\r\n"));
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.url = registry.Url("/");
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 302);
  EXPECT_TRUE(other.requests().empty());
}

TEST(HttpTransportTest, CredentialHeadersCannotBePassedAsPlainHeaders) {
  HttpTransport t{TransportOptions{}};
  for (const char* name : {"Authorization", "cookie", "Proxy-Authorization"}) {
    HttpRequest r;
    r.url = "http://127.0.0.1:1/";
    r.headers.emplace_back(name, "x");
    EXPECT_TRUE(absl::IsInternal(t.Do(r).status())) << name;
  }
}

TEST(HttpTransportTest, HeaderValuesCannotAddLines) {
  TestServer server(Reply(200, "", "ok"));
  HttpTransport t{TransportOptions{}};
  HttpRequest plain;
  plain.url = server.Url("/");
  plain.headers.emplace_back("Accept", "a\r\nX-Injected: 1");
  EXPECT_TRUE(absl::IsInvalidArgument(t.Do(plain).status()));
  HttpRequest named;
  named.url = server.Url("/");
  named.headers.emplace_back("X-A: b\r\nX-Injected", "1");
  EXPECT_TRUE(absl::IsInvalidArgument(t.Do(named).status()));
  // A token from a token server: the credential's value is checked the same way, and the
  // message does not quote it.
  HttpRequest bearer = WithCredential(server.Url("/"), server);
  bearer.credential->authorization = "Bearer secret-token\r\nX-Injected: 1";
  absl::Status s = t.Do(bearer).status();
  EXPECT_TRUE(absl::IsInvalidArgument(s));
  EXPECT_FALSE(absl::StrContains(s.message(), "secret-token")) << s;
  EXPECT_TRUE(server.requests().empty());
}

TEST(HttpTransportTest, PlainHttpOnlyToLoopbackUnlessAllowed) {
  HttpTransport strict{TransportOptions{}};
  HttpRequest r;
  r.url = "http://example.invalid:1/v2/";
  absl::Status s = strict.Do(r).status();
  EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "--insecure")) << s;
  TransportOptions open;
  open.plain_http = PlainHttp::kAnyHost;
  open.connect_timeout = absl::Seconds(2);
  HttpTransport relaxed(open);
  // Allowed: it gets as far as resolving (which fails for .invalid).
  EXPECT_FALSE(absl::StrContains(relaxed.Do(r).status().message(), "refusing plain HTTP"));
}

TEST(HttpTransportTest, HeaderFloodIsCut) {
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "X-Junk-" + std::to_string(i) + ": y\r\n";
  TestServer flood(Reply(200, many));
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.url = flood.Url("/");
  absl::Status s = t.Do(r).status();
  EXPECT_TRUE(absl::IsOutOfRange(s)) << s;
}

TEST(HttpTransportTest, ErrorBodiesAreCutAtTheirCap) {
  TestServer big(Reply(500, "", std::string(4 << 20, 'e')));
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.url = big.Url("/");
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 500);
  EXPECT_TRUE(response->body_truncated);
  EXPECT_EQ(response->body.size(), kMaxErrorBodyBytes);
}

TEST(HttpTransportTest, LargeBodiesFailOrAreTruncatedOnRequest) {
  TestServer big(Reply(200, "", std::string(1 << 20, 'b')));
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.url = big.Url("/");
  r.max_body_bytes = 1000;
  EXPECT_TRUE(absl::IsOutOfRange(t.Do(r).status()));
  r.truncate_body = true;
  absl::StatusOr<HttpResponse> response = t.Do(r);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body.size(), 1000u);
}

TEST(HttpTransportTest, StalledServerEndsAtTheDeadlineNamingTheRequest) {
  TestServer stalled([](const SeenRequest&, int, const std::atomic<bool>& stop) { Stall(stop); });
  Deadline deadline(absl::Milliseconds(300), "--timeout 300ms", false);
  TransportOptions options;
  options.deadline = &deadline;
  HttpTransport t(options);
  HttpRequest r;
  r.url = stalled.Url("/v2/?_state=secret-state");
  absl::Status s = t.Do(r).status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), absl::StrCat("GET ", stalled.Url("/v2/")))) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "--timeout 300ms")) << s;
  EXPECT_FALSE(absl::StrContains(s.message(), "secret-state")) << s;
  // Nothing more is attempted once it passed.
  EXPECT_TRUE(absl::IsDeadlineExceeded(t.Do(r).status()));
}

TEST(HttpTransportTest, DrippingServerEndsAtTheDeadline) {
  TestServer drip([](const SeenRequest&, int fd, const std::atomic<bool>& stop) {
    TestServer::Write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n");
    while (!stop) {
      TestServer::Write(fd, "x");  // fast enough for any low-speed limit
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  Deadline deadline(absl::Milliseconds(500), "--timeout", false);
  TransportOptions options;
  options.deadline = &deadline;
  HttpTransport t(options);
  HttpRequest r;
  r.url = drip.Url("/");
  EXPECT_TRUE(absl::IsDeadlineExceeded(t.Do(r).status()));
}

TEST(HttpTransportTest, AStallIsARetryableDroppedConnection) {
  TestServer stalled([](const SeenRequest&, int, const std::atomic<bool>& stop) { Stall(stop); });
  TransportOptions options;
  options.stall_timeout = absl::Seconds(1);
  HttpTransport t(options);
  HttpRequest r;
  r.url = stalled.Url("/v2/");
  absl::Status s = t.Do(r).status();
  EXPECT_TRUE(absl::IsUnavailable(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "GET " + stalled.Url("/v2/") + ": the server stalled"))
      << s;
}

TEST(HttpTransportTest, RequestTimeoutNamesTheRequest) {
  TestServer stalled([](const SeenRequest&, int, const std::atomic<bool>& stop) { Stall(stop); });
  HttpTransport t{TransportOptions{}};
  HttpRequest r;
  r.url = stalled.Url("/x");
  r.timeout = absl::Milliseconds(200);
  absl::Status s = t.Do(r).status();
  EXPECT_TRUE(absl::IsDeadlineExceeded(s)) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "no complete answer within 200ms")) << s;
}

}  // namespace
}  // namespace net
}  // namespace stowage
