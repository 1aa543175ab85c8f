// The application: routing, pages, JSON API, health check and static files, as a function from
// Request to Response. It knows nothing about sockets; server.h feeds it.
//
//   /                   list page            /api/books[/]        JSON list
//   /books/<id>/        detail page          /api/books/<id>[/]   JSON detail
//   /healthz            "ok" (503 when the database does not answer)
//   /static/...         STATIC_ROOT, WhiteNoise-style (static_files.h)
// Paths that match only with a trailing slash are redirected there (Django's APPEND_SLASH).
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_APP_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_APP_H_

#include <string>

#include "examples/bookstore/book_store.h"
#include "examples/bookstore/csrf_cookie.h"
#include "examples/bookstore/http_types.h"
#include "examples/bookstore/security.h"
#include "examples/bookstore/static_files.h"
#include "examples/bookstore/templates.h"

namespace bookstore {

struct AppOptions {
  bool debug = false;
  SecurityPolicy security;
  std::string secret_key;
};

// What the pages need from the database; BookStore in production, a fake in tests.
class Catalog {
 public:
  virtual ~Catalog() = default;
  virtual absl::StatusOr<std::vector<Book>> ListBooks() = 0;
  virtual absl::StatusOr<absl::optional<Book>> GetBook(int64_t id) = 0;
  virtual absl::Status Ping() = 0;
};

// Adapts BookStore to Catalog.
class BookStoreCatalog : public Catalog {
 public:
  explicit BookStoreCatalog(BookStore* store) : store_(store) {}
  absl::StatusOr<std::vector<Book>> ListBooks() override { return store_->ListBooks(); }
  absl::StatusOr<absl::optional<Book>> GetBook(int64_t id) override { return store_->GetBook(id); }
  absl::Status Ping() override { return store_->Ping(); }

 private:
  BookStore* store_;
};

class App {
 public:
  // All pointers must outlive the App.
  App(AppOptions options, Catalog* catalog, const Templates* templates,
      const StaticFiles* static_files);

  Response Handle(const Request& request) const;

  // The complete headers of a static 200 for `variant` (what a prebuilt response carries).
  Headers StaticHeaders(const StaticFile& file, const StaticVariant& variant, bool secure) const;
  // The values Response::secure takes for static 200s under this policy: the header sets
  // worth building in advance.
  std::vector<bool> StaticHeaderSets() const;

  const AppOptions& options() const { return options_; }

 private:
  Response Route(const Request& request, const std::string& host) const;
  bool Routes(absl::string_view path) const;
  Response ServeStatic(const Request& request, const StaticFile& file, bool secure) const;
  Response ListPage(const Request& request) const;
  Response DetailPage(const Request& request, int64_t id) const;
  Response ApiList() const;
  Response ApiDetail(int64_t id) const;
  Response Health() const;
  Response NotFound(const Request& request) const;
  Response ServerError(const absl::Status& status) const;
  Response Html(int status, const std::string& body) const;
  TemplateData BaseData(absl::string_view title) const;
  void AddCsrfCookie(const Request& request, Response* response) const;

  AppOptions options_;
  Catalog* catalog_;
  const Templates* templates_;
  const StaticFiles* static_files_;
  CsrfSigner csrf_;
};

// Escapes text for HTML element content and attribute values.
std::string HtmlEscape(absl::string_view text);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_APP_H_
