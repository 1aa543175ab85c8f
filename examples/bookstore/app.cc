#include "examples/bookstore/app.h"

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "nlohmann/json.hpp"

namespace bookstore {
namespace {

constexpr char kHtml[] = "text/html; charset=utf-8";
constexpr char kJson[] = "application/json";
constexpr char kText[] = "text/plain; charset=utf-8";

enum class Route { kNone, kList, kDetail, kApiList, kApiDetail, kHealth };

// Parses a positive decimal id (Django's <int:id> converter).
bool ParseId(absl::string_view text, int64_t* id) {
  if (text.empty() || text.size() > 18) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return absl::SimpleAtoi(text, id);
}

Route Match(absl::string_view path, int64_t* id) {
  if (path == "/") return Route::kList;
  if (path == "/healthz") return Route::kHealth;
  if (path == "/api/books" || path == "/api/books/") return Route::kApiList;
  absl::string_view rest = path;
  if (absl::ConsumePrefix(&rest, "/api/books/")) {
    absl::ConsumeSuffix(&rest, "/");
    return ParseId(rest, id) ? Route::kApiDetail : Route::kNone;
  }
  if (absl::ConsumePrefix(&rest, "/books/") && absl::ConsumeSuffix(&rest, "/")) {
    return ParseId(rest, id) ? Route::kDetail : Route::kNone;
  }
  return Route::kNone;
}

std::string BookUrl(int64_t id) { return absl::StrCat("/books/", id, "/"); }

nlohmann::json BookJson(const Book& book) {
  return nlohmann::json{
      {"id", book.id},
      {"title", book.title},
      {"author", book.author},
      {"price", FormatPrice(book.price_cents)},
      {"published_year", book.published_year},
      {"description", book.description},
      {"url", BookUrl(book.id)},
  };
}

Response Json(int status, const nlohmann::json& value) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", kJson);
  // Invalid UTF-8 from the database is replaced rather than failing the whole response.
  response.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

Response Text(int status, std::string body) {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", kText);
  response.body = std::move(body);
  return response;
}

TemplateData BookData(const Book& book) {
  TemplateData data{TemplateData::type::object};
  data.set("id", absl::StrCat(book.id));
  data.set("title", book.title);
  data.set("author", book.author);
  data.set("price", FormatPrice(book.price_cents));
  data.set("published_year", absl::StrCat(book.published_year));
  data.set("description", book.description);
  data.set("url", BookUrl(book.id));
  return data;
}

}  // namespace

std::string HtmlEscape(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#x27;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

App::App(AppOptions options, Catalog* catalog, const Templates* templates,
         const StaticFiles* static_files)
    : options_(std::move(options)),
      catalog_(catalog),
      templates_(templates),
      static_files_(static_files),
      csrf_(options_.secret_key) {
  // Seeds OpenSSL's random generator now rather than during the first page request.
  csrf_.NewValue();
}

Headers App::StaticHeaders(const StaticFile& file, const StaticVariant& variant,
                           bool secure) const {
  Headers headers = StaticOkHeaders(file, variant, static_files_->options().allow_all_origins);
  AddSecurityHeaders(options_.security, secure, &headers);
  return headers;
}

std::vector<bool> App::StaticHeaderSets() const {
  if (options_.security.hsts_seconds <= 0) return {false};
  // With the redirect on, only secure requests reach the static files (the exempt path is
  // /healthz, never a static file).
  if (options_.security.ssl_redirect) return {true};
  return {false, true};
}

Response App::Handle(const Request& request) const {
  bool secure = IsSecureRequest(request);
  bool exempt = IsExemptPath(options_.security, request.path);
  absl::optional<std::string> host = ValidatedHost(options_.security, request);
  Response response;
  if (!host.has_value() && !exempt) {
    // Django answers a disallowed Host with 400 and this body.
    response = Html(400,
                    "<!doctype html>\n<title>Bad Request (400)</title>\n"
                    "<h1>Bad Request (400)</h1>\n");
  } else if (absl::optional<std::string> target =
                 SslRedirectTarget(options_.security, request, host.value_or(""))) {
    response.status = 301;
    response.headers.emplace_back("Location", *target);
  } else {
    const StaticFile* file = nullptr;
    if (absl::StartsWith(request.path, static_files_->options().url_prefix)) {
      file = static_files_->Find(request.path);
    }
    if (file != nullptr) return ServeStatic(request, *file, secure);
    response = Route(request, host.value_or(""));
  }
  AddSecurityHeaders(options_.security, secure, &response.headers);
  return response;
}

Response App::ServeStatic(const Request& request, const StaticFile& file, bool secure) const {
  StaticRequest query;
  query.method = request.method;
  query.accept_encoding = request.Header("Accept-Encoding");
  query.if_none_match = request.Header("If-None-Match");
  query.if_modified_since = request.Header("If-Modified-Since");
  query.range = request.Header("Range");
  query.if_range = request.Header("If-Range");
  StaticDecision decision = DecideStatic(file, query);
  Response response;
  response.status = decision.status;
  // Only HSTS depends on `secure`; without it both kinds of request share one header set.
  response.secure = secure && options_.security.hsts_seconds > 0;
  if (decision.status == 200) {
    // Headers are fixed per (variant, secure): the server sends a response built at startup.
    response.prebuilt = true;
    response.static_file = &file;
    response.file = decision.variant;
    response.file_offset = 0;
    response.file_length = decision.variant->size;
    return response;
  }
  response.headers =
      StaticDecisionHeaders(file, decision, static_files_->options().allow_all_origins);
  if (decision.status == 206) {
    response.static_file = &file;
    response.file = decision.variant;
    response.file_offset = decision.offset;
    response.file_length = decision.length;
  }
  AddSecurityHeaders(options_.security, secure, &response.headers);
  return response;
}

bool App::Routes(absl::string_view path) const {
  int64_t id;
  return Match(path, &id) != Route::kNone;
}

Response App::Route(const Request& request, const std::string& host) const {
  int64_t id = 0;
  bookstore::Route route = Match(request.path, &id);
  bool readable = request.method == "GET" || request.method == "HEAD";
  if (route == bookstore::Route::kNone) {
    if (readable && !absl::EndsWith(request.path, "/") && Routes(request.path + "/")) {
      Response redirect;
      redirect.status = 301;
      std::string location = absl::StrCat(request.raw_path, "/");
      // "//host/" would be a protocol-relative URL: never redirect off-site.
      if (absl::StartsWith(location, "//")) location.replace(0, 2, "/%2F");
      if (!request.query.empty()) absl::StrAppend(&location, "?", request.query);
      redirect.headers.emplace_back("Location", location);
      return redirect;
    }
    return NotFound(request);
  }
  if (!readable) {
    Response response = Text(405, "Method Not Allowed\n");
    response.headers.emplace_back("Allow", "GET, HEAD");
    return response;
  }
  switch (route) {
    case bookstore::Route::kList:
      return ListPage(request);
    case bookstore::Route::kDetail:
      return DetailPage(request, id);
    case bookstore::Route::kApiList:
      return ApiList();
    case bookstore::Route::kApiDetail:
      return ApiDetail(id);
    case bookstore::Route::kHealth:
      return Health();
    case bookstore::Route::kNone:
      break;
  }
  return NotFound(request);
}

TemplateData App::BaseData(absl::string_view title) const {
  TemplateData data{TemplateData::type::object};
  data.set("page_title", std::string(title));
  data.set("debug", options_.debug);
  const StaticFiles* statics = static_files_;
  bool hashed = !options_.debug;
  // {{#static}}css/site.css{{/static}} -> the hashed URL, like Django's {% static %}.
  data.set("static", kainjow::mustache::lambda{[statics, hashed](const std::string& name) {
             return statics->Url(name, hashed);
           }});
  return data;
}

void App::AddCsrfCookie(const Request& request, Response* response) const {
  absl::optional<absl::string_view> cookies = request.Header("Cookie");
  if (cookies.has_value()) {
    absl::optional<absl::string_view> value = FindCookie(*cookies, kCsrfCookieName);
    if (value.has_value() && csrf_.Verify(*value)) return;
  }
  response->headers.emplace_back("Set-Cookie",
                                 absl::StrCat(kCsrfCookieName, "=", csrf_.NewValue(),
                                              CookieAttributes(options_.security, kCsrfCookieAge)));
}

Response App::Html(int status, const std::string& body) const {
  Response response;
  response.status = status;
  response.headers.emplace_back("Content-Type", kHtml);
  response.body = body;
  return response;
}

Response App::ListPage(const Request& request) const {
  absl::StatusOr<std::vector<Book>> books = catalog_->ListBooks();
  if (!books.ok()) return ServerError(books.status());
  TemplateData data = BaseData("Books");
  TemplateData list{TemplateData::type::list};
  for (const Book& book : *books) list.push_back(BookData(book));
  data.set("books", list);
  data.set("count", absl::StrCat(books->size()));
  absl::StatusOr<std::string> page = templates_->RenderPage("list.html", data);
  if (!page.ok()) return ServerError(page.status());
  Response response = Html(200, *page);
  AddCsrfCookie(request, &response);
  return response;
}

Response App::DetailPage(const Request& request, int64_t id) const {
  absl::StatusOr<absl::optional<Book>> book = catalog_->GetBook(id);
  if (!book.ok()) return ServerError(book.status());
  if (!book->has_value()) return NotFound(request);
  TemplateData data = BaseData((*book)->title);
  data.set("book", BookData(**book));
  absl::StatusOr<std::string> page = templates_->RenderPage("detail.html", data);
  if (!page.ok()) return ServerError(page.status());
  Response response = Html(200, *page);
  AddCsrfCookie(request, &response);
  return response;
}

Response App::ApiList() const {
  absl::StatusOr<std::vector<Book>> books = catalog_->ListBooks();
  if (!books.ok()) return ServerError(books.status());
  nlohmann::json results = nlohmann::json::array();
  for (const Book& book : *books) results.push_back(BookJson(book));
  return Json(200, {{"count", books->size()}, {"results", results}});
}

Response App::ApiDetail(int64_t id) const {
  absl::StatusOr<absl::optional<Book>> book = catalog_->GetBook(id);
  if (!book.ok()) return ServerError(book.status());
  // Django REST framework's body for a missing object.
  if (!book->has_value()) return Json(404, {{"detail", "Not found."}});
  return Json(200, BookJson(**book));
}

Response App::Health() const {
  absl::Status status = catalog_->Ping();
  if (!status.ok()) {
    std::fprintf(stderr, "bookstore: health check failed: %s\n",
                 std::string(status.message()).c_str());
    return Text(503, "database unavailable\n");
  }
  return Text(200, "ok\n");
}

Response App::NotFound(const Request& request) const {
  if (absl::StartsWith(request.path, "/api/")) return Json(404, {{"detail", "Not found."}});
  if (options_.debug) {
    // Like Django's technical 404: what was asked and what would have matched.
    std::string body = absl::StrCat(
        "<!doctype html>\n<title>Page not found at ", HtmlEscape(request.path),
        "</title>\n<h1>Page not found <small>(404)</small></h1>\n<table>\n"
        "<tr><th>Request Method:</th><td>",
        HtmlEscape(request.method), "</td></tr>\n<tr><th>Request URL:</th><td>",
        HtmlEscape(request.path), "</td></tr>\n</table>\n",
        "<p>The server tried these URL patterns, in this order:</p>\n<ol>\n"
        "<li>/</li>\n<li>/books/&lt;int:id&gt;/</li>\n<li>/api/books</li>\n"
        "<li>/api/books/&lt;int:id&gt;</li>\n<li>/healthz</li>\n<li>",
        HtmlEscape(static_files_->options().url_prefix), "&lt;path&gt;</li>\n</ol>\n",
        "<p>You're seeing this error because DEBUG is on. Turn it off to show a standard "
        "404 page.</p>\n");
    return Html(404, body);
  }
  TemplateData data = BaseData("Not Found");
  data.set("path", request.path);
  absl::StatusOr<std::string> page = templates_->RenderPage("404.html", data);
  if (!page.ok()) return Html(404, "<h1>Not Found</h1>\n");
  return Html(404, *page);
}

Response App::ServerError(const absl::Status& status) const {
  std::fprintf(stderr, "bookstore: error: %s\n", std::string(status.message()).c_str());
  if (options_.debug) {
    return Html(500, absl::StrCat("<!doctype html>\n<title>Server Error (500)</title>\n"
                                  "<h1>Server Error (500)</h1>\n<pre>",
                                  HtmlEscape(status.message()), "</pre>\n"));
  }
  return Html(500,
              "<!doctype html>\n<title>Server Error (500)</title>\n"
              "<h1>Server Error (500)</h1>\n");
}

}  // namespace bookstore
