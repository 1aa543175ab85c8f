#include "examples/bookstore/app.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/bookstore/test_util.h"

namespace bookstore {
namespace {

class FakeCatalog : public Catalog {
 public:
  absl::StatusOr<std::vector<Book>> ListBooks() override {
    if (broken) return absl::UnavailableError("db down");
    return books;
  }
  absl::StatusOr<absl::optional<Book>> GetBook(int64_t id) override {
    if (broken) return absl::UnavailableError("db down");
    for (const Book& b : books) {
      if (b.id == id) return absl::optional<Book>(b);
    }
    return absl::optional<Book>();
  }
  absl::Status Ping() override {
    return broken ? absl::UnavailableError("db down") : absl::OkStatus();
  }

  std::vector<Book> books = {
      {1, "Dune & Sons", "Frank <Herbert>", 1999, 1965, "Spice."},
      {7, "Emma", "Jane Austen", 850, 1815, "Matchmaking."},
  };
  bool broken = false;
};

class AppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string root = testing::MakeTempDir();
    testing::WriteFile(root + "/css/site.css", "body{}");
    testing::WriteFile(root + "/css/site.abcdef123456.css", "body{}");
    testing::WriteFile(root + "/css/site.abcdef123456.css.gz", "gz");
    testing::WriteFile(root + "/staticfiles.json",
                       R"({"paths": {"css/site.css": "css/site.abcdef123456.css"}})");
    StaticOptions static_options;
    static_options.root = root;
    static_files_ = std::move(StaticFiles::Load(static_options)).value();
    templates_ = std::make_unique<Templates>(
        Templates::FromSources(
            {{"base.html",
              "<title>{{page_title}}</title><link href=\"{{#static}}css/site.css{{/static}}\">"
              "{{{content}}}"},
             {"list.html",
              "{{#books}}<a href=\"{{url}}\">{{title}}</a> {{author}} "
              "${{price}};{{/books}}"},
             {"detail.html", "{{#book}}<h1>{{title}}</h1>{{published_year}}{{/book}}"},
             {"404.html", "<h1>Not Found</h1>"}})
            .value());
  }

  App MakeApp(bool debug) {
    AppOptions options;
    options.debug = debug;
    options.secret_key = "test-secret";
    options.security.ssl_redirect = !debug;
    options.security.hsts_seconds = debug ? 0 : 31536000;
    options.security.secure_cookies = !debug;
    return App(options, &catalog_, templates_.get(), static_files_.get());
  }

  Response Get(const App& app, const std::string& target, Headers extra = {},
               const char* method = "GET") {
    headers_ = HeaderList({{"Host", "shop.example.com"}});
    for (auto& h : extra) headers_.Add(h.first, h.second);
    Request request;
    request.method = method;
    request.headers = &headers_;
    EXPECT_TRUE(ParseRequestTarget(target, &request.path, &request.raw_path, &request.query));
    return app.Handle(request);
  }

  Response GetHttps(const App& app, const std::string& target, Headers extra = {},
                    const char* method = "GET") {
    extra.emplace_back("X-Forwarded-Proto", "https");
    return Get(app, target, extra, method);
  }

  FakeCatalog catalog_;
  std::unique_ptr<StaticFiles> static_files_;
  std::unique_ptr<Templates> templates_;
  HeaderList headers_;
};

TEST_F(AppTest, ListPageRendersEscapedBooksWithHashedStaticUrls) {
  App app = MakeApp(false);
  Response r = GetHttps(app, "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Find("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r.body.find("<a href=\"/books/1/\">Dune &amp; Sons</a> Frank &lt;Herbert&gt; $19.99;"),
            std::string::npos)
      << r.body;
  EXPECT_NE(r.body.find("/static/css/site.abcdef123456.css"), std::string::npos);
  EXPECT_NE(r.body.find("Emma"), std::string::npos);
}

TEST_F(AppTest, DebugUsesUnhashedStaticUrls) {
  App app = MakeApp(true);
  Response r = Get(app, "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"/static/css/site.css\""), std::string::npos) << r.body;
}

TEST_F(AppTest, DetailPageAndMissingBook) {
  App app = MakeApp(false);
  Response r = GetHttps(app, "/books/7/");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("<h1>Emma</h1>1815"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("<title>Emma</title>"), std::string::npos);
  EXPECT_EQ(GetHttps(app, "/books/8/").status, 404);
  EXPECT_EQ(GetHttps(app, "/books/x/").status, 404);
  EXPECT_EQ(GetHttps(app, "/books/-1/").status, 404);
  EXPECT_EQ(GetHttps(app, "/books/99999999999999999999/").status, 404);
}

TEST_F(AppTest, AppendsSlashLikeDjango) {
  App app = MakeApp(false);
  Response r = GetHttps(app, "/books/7?x=1");
  EXPECT_EQ(r.status, 301);
  EXPECT_EQ(r.Find("Location"), "/books/7/?x=1");
  EXPECT_EQ(GetHttps(app, "/nothing").status, 404);
}

TEST_F(AppTest, JsonApi) {
  App app = MakeApp(false);
  Response list = GetHttps(app, "/api/books");
  EXPECT_EQ(list.status, 200);
  EXPECT_EQ(list.Find("Content-Type"), "application/json");
  nlohmann::json json = nlohmann::json::parse(list.body);
  EXPECT_EQ(json["count"], 2);
  EXPECT_EQ(json["results"][0]["title"], "Dune & Sons");
  EXPECT_EQ(json["results"][0]["price"], "19.99");
  EXPECT_EQ(GetHttps(app, "/api/books/").status, 200);
  Response one = GetHttps(app, "/api/books/7");
  EXPECT_EQ(nlohmann::json::parse(one.body)["author"], "Jane Austen");
  EXPECT_EQ(GetHttps(app, "/api/books/7/").status, 200);
  Response missing = GetHttps(app, "/api/books/3");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(nlohmann::json::parse(missing.body)["detail"], "Not found.");
  EXPECT_EQ(GetHttps(app, "/api/nothing").Find("Content-Type"), "application/json");
}

TEST_F(AppTest, NotFoundIsPlainInProductionAndDetailedInDebug) {
  Response plain = GetHttps(MakeApp(false), "/nope<script>");
  EXPECT_EQ(plain.status, 404);
  EXPECT_NE(plain.body.find("<h1>Not Found</h1>"), std::string::npos);
  EXPECT_EQ(plain.body.find("nope"), std::string::npos);
  Response debug = Get(MakeApp(true), "/nope<script>");
  EXPECT_EQ(debug.status, 404);
  EXPECT_NE(debug.body.find("/nope&lt;script&gt;"), std::string::npos);
  EXPECT_NE(debug.body.find("DEBUG"), std::string::npos);
  EXPECT_EQ(debug.body.find("<script>"), std::string::npos);
}

TEST_F(AppTest, OnlyGetAndHead) {
  App app = MakeApp(false);
  Response post = GetHttps(app, "/", {}, "POST");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.Find("Allow"), "GET, HEAD");
  EXPECT_EQ(GetHttps(app, "/", {}, "HEAD").status, 200);
}

TEST_F(AppTest, HealthReflectsTheDatabaseAndSkipsRedirectAndHostChecks) {
  App app = MakeApp(false);
  Response ok = Get(app, "/healthz", {{"Host", "10.0.0.7:8000"}});  // plain HTTP, any host
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "ok\n");
  catalog_.broken = true;
  EXPECT_EQ(Get(app, "/healthz").status, 503);
  Response error = GetHttps(app, "/");
  EXPECT_EQ(error.status, 500);
  EXPECT_EQ(error.body.find("db down"), std::string::npos);  // no internals in production
  EXPECT_NE(Get(MakeApp(true), "/").body.find("db down"), std::string::npos);
}

TEST_F(AppTest, ProductionRedirectsPlainHttpAndAddsSecurityHeaders) {
  App app = MakeApp(false);
  Response redirect = Get(app, "/books/7/?a=b", {{"X-Forwarded-Proto", "http"}});
  EXPECT_EQ(redirect.status, 301);
  EXPECT_EQ(redirect.Find("Location"), "https://shop.example.com/books/7/?a=b");
  EXPECT_EQ(Get(app, "/").status, 301);  // no header: plain HTTP straight to the process
  EXPECT_EQ(Get(app, "/static/css/site.css").status, 301);

  Response page = GetHttps(app, "/");
  EXPECT_EQ(page.Find("Strict-Transport-Security"), "max-age=31536000; includeSubDomains; preload");
  EXPECT_EQ(page.Find("X-Frame-Options"), "DENY");
  EXPECT_EQ(page.Find("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(page.Find("Referrer-Policy"), "same-origin");
  EXPECT_EQ(page.Find("Cross-Origin-Opener-Policy"), "same-origin");
  EXPECT_EQ(page.Find("Server"), absl::nullopt);
  absl::optional<absl::string_view> cookie = page.Find("Set-Cookie");
  ASSERT_TRUE(cookie.has_value());
  EXPECT_TRUE(absl::StartsWith(*cookie, "csrftoken="));
  EXPECT_TRUE(absl::EndsWith(*cookie, "; SameSite=Lax; HttpOnly; Secure")) << *cookie;

  Response debug = Get(MakeApp(true), "/");
  EXPECT_EQ(debug.status, 200);
  EXPECT_EQ(debug.Find("Strict-Transport-Security"), absl::nullopt);
  EXPECT_FALSE(absl::StrContains(*debug.Find("Set-Cookie"), "Secure"));
}

TEST_F(AppTest, CsrfCookieIsNotReissuedWhenValid) {
  App app = MakeApp(false);
  Response first = GetHttps(app, "/");
  std::string cookie(first.Find("Set-Cookie")->substr(0, first.Find("Set-Cookie")->find(';')));
  Response second = GetHttps(app, "/", {{"Cookie", "other=1; " + cookie}});
  EXPECT_EQ(second.Find("Set-Cookie"), absl::nullopt);
  Response forged = GetHttps(app, "/", {{"Cookie", "csrftoken=forged"}});
  EXPECT_TRUE(forged.Find("Set-Cookie").has_value());
}

TEST_F(AppTest, DisallowedHostsGet400) {
  AppOptions options;
  options.security.allowed_hosts = {"shop.example.com"};
  App app(options, &catalog_, templates_.get(), static_files_.get());
  EXPECT_EQ(Get(app, "/").status, 200);
  EXPECT_EQ(Get(app, "/", {}).status, 200);
  HeaderList evil({{"Host", "evil.example.net"}});
  Request request;
  request.method = "GET";
  request.path = request.raw_path = "/";
  request.headers = &evil;
  EXPECT_EQ(app.Handle(request).status, 400);
}

TEST_F(AppTest, StaticFilesAreServedWithPrebuiltHeaders) {
  App app = MakeApp(false);
  Response r = GetHttps(app, "/static/css/site.abcdef123456.css", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(r.status, 200);
  ASSERT_TRUE(r.prebuilt);
  ASSERT_NE(r.file, nullptr);
  EXPECT_EQ(r.file->coding, Coding::kGzip);
  EXPECT_TRUE(r.secure);
  Headers headers = app.StaticHeaders(*r.static_file, *r.file, r.secure);
  Response as_sent;
  as_sent.headers = headers;
  EXPECT_EQ(as_sent.Find("Cache-Control"), "max-age=315360000, public, immutable");
  EXPECT_EQ(as_sent.Find("Content-Encoding"), "gzip");
  EXPECT_EQ(as_sent.Find("Strict-Transport-Security"),
            "max-age=31536000; includeSubDomains; preload");
  EXPECT_EQ(as_sent.Find("X-Content-Type-Options"), "nosniff");

  Response not_modified = GetHttps(app, "/static/css/site.abcdef123456.css",
                                   {{"If-None-Match", r.file->etag}, {"Accept-Encoding", "gzip"}});
  EXPECT_EQ(not_modified.status, 304);
  EXPECT_FALSE(not_modified.prebuilt);
  EXPECT_EQ(not_modified.Find("ETag"), r.file->etag);
  EXPECT_EQ(not_modified.Find("X-Content-Type-Options"), "nosniff");

  EXPECT_EQ(GetHttps(app, "/static/css/../staticfiles.json").status, 404);
  EXPECT_EQ(GetHttps(app, "/static/css/%2e%2e/staticfiles.json").status, 404);
  EXPECT_EQ(GetHttps(app, "/static/css/site.abcdef123456.css.gz").status, 404);
}

TEST_F(AppTest, PrebuiltHeaderSetsFollowThePolicy) {
  EXPECT_EQ(MakeApp(false).StaticHeaderSets(), std::vector<bool>{true});
  EXPECT_EQ(MakeApp(true).StaticHeaderSets(), std::vector<bool>{false});
  AppOptions no_redirect;
  no_redirect.security.hsts_seconds = 60;
  App app(no_redirect, &catalog_, templates_.get(), static_files_.get());
  EXPECT_EQ(app.StaticHeaderSets(), (std::vector<bool>{false, true}));
  // In DEBUG (no HSTS) secure and plain requests share the one header set.
  Response r = GetHttps(MakeApp(true), "/static/css/site.css");
  EXPECT_TRUE(r.prebuilt);
  EXPECT_FALSE(r.secure);
}

TEST(RequestTargetTest, SplitsAndDecodes) {
  std::string path, raw, query;
  ASSERT_TRUE(ParseRequestTarget("/a%20b/c?x=1&y=%20", &path, &raw, &query));
  EXPECT_EQ(path, "/a b/c");
  EXPECT_EQ(raw, "/a%20b/c");
  EXPECT_EQ(query, "x=1&y=%20");
  EXPECT_FALSE(ParseRequestTarget("http://host/", &path, &raw, &query));
  EXPECT_FALSE(ParseRequestTarget("*", &path, &raw, &query));
  EXPECT_FALSE(ParseRequestTarget("/a%00b", &path, &raw, &query));
  EXPECT_FALSE(ParseRequestTarget("/a%zz", &path, &raw, &query));
  EXPECT_FALSE(ParseRequestTarget("/a%2", &path, &raw, &query));
}

}  // namespace
}  // namespace bookstore
