#include "builder/deploy/live_checks.h"

#include <set>

#include "gtest/gtest.h"
#include "tests/deploy/fake_http.h"

namespace stowage {
namespace {

// A site like Django with every deploy setting right, behind a proxy that sets
// X-Forwarded-Proto. `tweak` changes one response to make one thing wrong.
struct Site {
  std::function<void(const HttpRequest&, HttpResponse&)> tweak = [](const HttpRequest&,
                                                                    HttpResponse&) {};

  absl::StatusOr<HttpResponse> operator()(const HttpRequest& request) const {
    HttpResponse response;
    bool https = RequestHeader(request, "X-Forwarded-Proto") == "https" ||
                 request.url.rfind("https://", 0) == 0;
    std::string path = request.url.substr(request.url.find('/', request.url.find("//") + 2));
    if (!https) {
      response.status = 301;
      response.headers = {{"location", "https://app.test" + path}};
    } else {
      response.status = path == kNotFoundProbePath ? 404 : 200;
      response.headers = {
          {"strict-transport-security", "max-age=31536000; includeSubDomains; preload"},
          {"x-frame-options", "DENY"},
          {"x-content-type-options", "nosniff"},
          {"referrer-policy", "same-origin"},
          {"server", "gunicorn"},
      };
      if (response.status == 200) {
        response.headers.push_back({"set-cookie", "sessionid=abc; HttpOnly; Secure; Path=/"});
        response.headers.push_back({"set-cookie", "csrftoken=def; Secure; Path=/; SameSite=Lax"});
        response.body = "<h1>Bookstore</h1>";
      } else {
        response.body = "<h1>Not Found</h1>";
      }
    }
    tweak(request, response);
    return response;
  }
};

std::set<std::string> Analyze(const Site& site, const std::string& url = "http://app.test/") {
  FakeHttpClient http(site);
  LiveCheckOptions options;
  options.url = url;
  std::set<std::string> ids;
  for (const Finding& f : AnalyzeSite(ObserveSite(http, options), options)) ids.insert(f.id);
  return ids;
}

void SetHeader(HttpResponse& r, const std::string& name, const std::string& value) {
  for (auto& [k, v] : r.headers) {
    if (k == name) {
      v = value;
      return;
    }
  }
  r.headers.emplace_back(name, value);
}

void RemoveHeader(HttpResponse& r, const std::string& name) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (auto& h : r.headers) {
    if (h.first != name) kept.push_back(h);
  }
  r.headers = kept;
}

TEST(LiveChecksTest, GoodSiteHasNoFindings) { EXPECT_TRUE(Analyze(Site{}).empty()); }

TEST(LiveChecksTest, RequestsStayOnTheSiteWithBoundedTimeouts) {
  FakeHttpClient http(Site{});
  LiveCheckOptions options;
  options.url = "http://app.test:8000/shop/";
  options.timeout_ms = 3000;
  AnalyzeSite(ObserveSite(http, options), options);
  ASSERT_EQ(http.requests.size(), 3u);
  EXPECT_EQ(http.requests[0].url, "http://app.test:8000/shop/");
  EXPECT_EQ(RequestHeader(http.requests[0], "X-Forwarded-Proto"), "https");
  EXPECT_EQ(http.requests[1].url, "http://app.test:8000/shop/");
  EXPECT_EQ(RequestHeader(http.requests[1], "X-Forwarded-Proto"), "http");
  EXPECT_EQ(http.requests[2].url, "http://app.test:8000/stowage-check-404-probe/");
  for (const HttpRequest& r : http.requests) {
    EXPECT_EQ(r.method, "GET");
    EXPECT_LE(r.timeout, absl::Milliseconds(3000));
    EXPECT_FALSE(r.credential.has_value());
    EXPECT_TRUE(r.truncate_body);
  }
}

TEST(LiveChecksTest, ServerTextInFindingsIsEscapedAndCapped) {
  Site hostile;
  hostile.tweak = [](const HttpRequest&, HttpResponse& r) {
    // A 30 KB Server header with a version (a std::regex recursed to a crash on it) and
    // terminal escapes in header values.
    SetHeader(r, "server", std::string(30000, 'x') + " nginx/1.25");
    SetHeader(r, "x-frame-options", "\x1b]0;owned\x07SAMEORIGIN");
  };
  FakeHttpClient http(hostile);
  LiveCheckOptions options;
  options.url = "http://app.test/";
  std::set<std::string> ids;
  for (const Finding& f : AnalyzeSite(ObserveSite(http, options), options)) {
    ids.insert(f.id);
    EXPECT_EQ(f.message.find('\x1b'), std::string::npos) << f.message;
    EXPECT_EQ(f.message.find('\x07'), std::string::npos) << f.message;
    EXPECT_LT(f.message.size(), 400u) << f.id;
  }
  EXPECT_TRUE(ids.count("STW113"));
  EXPECT_TRUE(ids.count("STW108"));
}

TEST(LiveChecksTest, RejectsUrlsWithUserInfoOrOtherSchemes) {
  EXPECT_FALSE(ParseSiteUrl("http://user:pw@app.test/").ok());
  EXPECT_FALSE(ParseSiteUrl("ftp://app.test/").ok());
  EXPECT_FALSE(ParseSiteUrl("http://app.test/a b").ok());
  auto site = ParseSiteUrl("https://APP.test:8443");
  ASSERT_TRUE(site.ok()) << site.status();
  EXPECT_EQ(site->authority, "app.test:8443");
  EXPECT_EQ(site->path, "/");
}

TEST(LiveChecksTest, HttpsUrlChecksRedirectOverPlainHttp) {
  FakeHttpClient http(Site{});
  LiveCheckOptions options;
  options.url = "https://app.test/";
  EXPECT_TRUE(AnalyzeSite(ObserveSite(http, options), options).empty());
  EXPECT_EQ(http.requests[1].url, "http://app.test/");
  FakeHttpClient with_port(Site{});
  options.url = "https://app.test:8443/shop/";
  ObserveSite(with_port, options);
  EXPECT_EQ(with_port.requests[1].url, "http://app.test/shop/");
  FakeHttpClient ipv6(Site{});
  options.url = "https://[::1]/";
  ObserveSite(ipv6, options);
  EXPECT_EQ(ipv6.requests[1].url, "http://[::1]/");
}

TEST(LiveChecksTest, Hsts) {
  Site none;
  none.tweak = [](const HttpRequest&, HttpResponse& r) {
    RemoveHeader(r, "strict-transport-security");
  };
  EXPECT_EQ(Analyze(none), (std::set<std::string>{"STW101"}));
  Site weak;
  weak.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status != 301) SetHeader(r, "strict-transport-security", "max-age=3600");
  };
  EXPECT_EQ(Analyze(weak), (std::set<std::string>{"STW102", "STW103", "STW104"}));
  Site case_insensitive;
  case_insensitive.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status != 301)
      SetHeader(r, "strict-transport-security", "Max-Age=63072000;INCLUDESUBDOMAINS; Preload");
  };
  EXPECT_TRUE(Analyze(case_insensitive).empty());
}

TEST(LiveChecksTest, RedirectLoopBehindProxy) {
  Site loop;
  loop.tweak = [](const HttpRequest& request, HttpResponse& r) {
    r.status = 301;
    r.headers = {{"location",
                  "https://app.test" + request.url.substr(std::string("http://app.test").size())}};
  };
  EXPECT_EQ(Analyze(loop), (std::set<std::string>{"STW106"}));
  // A redirect to another page (a login page) is not a loop.
  Site login;
  login.tweak = [](const HttpRequest& request, HttpResponse& r) {
    if (r.status == 200) {
      r.status = 302;
      SetHeader(r, "location", "/accounts/login/");
    }
  };
  EXPECT_FALSE(Analyze(login).count("STW106"));
}

TEST(LiveChecksTest, MissingOrTemporaryRedirect) {
  Site none;
  none.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status == 301) {
      r.status = 200;
      r.headers.clear();
    }
  };
  EXPECT_TRUE(Analyze(none).count("STW105"));
  Site temporary;
  temporary.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status == 301) r.status = 302;
  };
  EXPECT_EQ(Analyze(temporary), (std::set<std::string>{"STW107"}));
  Site to_http;
  to_http.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status == 301) SetHeader(r, "location", "http://app.test/");
  };
  EXPECT_TRUE(Analyze(to_http).count("STW105"));
}

TEST(LiveChecksTest, SecurityHeaders) {
  Site sameorigin;
  sameorigin.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status != 301) {
      SetHeader(r, "x-frame-options", "SAMEORIGIN");
      RemoveHeader(r, "x-content-type-options");
      SetHeader(r, "referrer-policy", "same-origin, unsafe-url");
      SetHeader(r, "server", "nginx/1.22.1");
      SetHeader(r, "x-powered-by", "Express");
    }
  };
  EXPECT_EQ(Analyze(sameorigin),
            (std::set<std::string>{"STW108", "STW109", "STW113", "STW114", "STW115"}));
}

TEST(LiveChecksTest, Cookies) {
  Site cookies;
  cookies.tweak = [](const HttpRequest&, HttpResponse& r) {
    if (r.status == 200) {
      RemoveHeader(r, "set-cookie");
      r.headers.push_back({"set-cookie", "sessionid=abc; Path=/"});  // neither flag
      r.headers.push_back({"set-cookie", "csrftoken=def; Path=/"});  // no Secure; HttpOnly exempt
    }
  };
  FakeHttpClient http(cookies);
  LiveCheckOptions options;
  options.url = "http://app.test/";
  std::vector<Finding> findings = AnalyzeSite(ObserveSite(http, options), options);
  std::multiset<std::string> seen;
  for (const Finding& f : findings) {
    seen.insert(f.id + " " + f.message);
    EXPECT_EQ(f.message.find("abc"), std::string::npos);  // cookie values are never printed
  }
  EXPECT_EQ(seen, (std::multiset<std::string>{"STW110 cookie sessionid has no Secure",
                                              "STW110 cookie csrftoken has no Secure",
                                              "STW111 cookie sessionid has no HttpOnly"}));
}

TEST(LiveChecksTest, DebugPages) {
  for (const char* body : {"<h1>Page not found <span>(404)</span></h1>",
                           "you have <code>DEBUG = True</code> in your settings",
                           "Traceback (most recent call last):"}) {
    Site debug;
    debug.tweak = [body](const HttpRequest&, HttpResponse& r) {
      if (r.status == 404) r.body = body;
    };
    EXPECT_EQ(Analyze(debug), (std::set<std::string>{"STW112"})) << body;
  }
}

TEST(LiveChecksTest, UnreachableSite) {
  FakeHttpClient http([](const HttpRequest&) -> absl::StatusOr<HttpResponse> {
    return absl::UnavailableError("connection refused");
  });
  LiveCheckOptions options;
  options.url = "http://127.0.0.1:9/";
  auto findings = AnalyzeSite(ObserveSite(http, options), options);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].id, "STW100");
  EXPECT_EQ(findings[0].severity, Severity::kError);
}

TEST(ParseSiteUrlTest, AcceptsHttpAndHttpsOnly) {
  auto url = ParseSiteUrl("http://127.0.0.1:8000");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->authority, "127.0.0.1:8000");
  EXPECT_EQ(url->path, "/");
  EXPECT_TRUE(ParseSiteUrl("https://[::1]:8443/x?y=1").ok());
  EXPECT_FALSE(ParseSiteUrl("ftp://host/").ok());
  EXPECT_FALSE(ParseSiteUrl("file:///etc/passwd").ok());
  EXPECT_FALSE(ParseSiteUrl("http://").ok());
  EXPECT_FALSE(ParseSiteUrl("http://a b/").ok());
}

}  // namespace
}  // namespace stowage
