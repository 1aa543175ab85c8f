// The server's view of a request and a response, independent of the HTTP library, so that the
// application logic (routing, security, static files) can be tested without sockets.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_HTTP_TYPES_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_HTTP_TYPES_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace bookstore {

using Header = std::pair<std::string, std::string>;
using Headers = std::vector<Header>;

// Request headers, looked up case-insensitively by name.
class RequestHeaders {
 public:
  virtual ~RequestHeaders() = default;
  virtual absl::optional<absl::string_view> Get(absl::string_view name) const = 0;
};

// A header source backed by a list; used by tests and tools.
class HeaderList : public RequestHeaders {
 public:
  HeaderList() = default;
  HeaderList(std::initializer_list<Header> headers) : headers_(headers) {}
  absl::optional<absl::string_view> Get(absl::string_view name) const override;
  void Add(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
  }

 private:
  Headers headers_;
};

struct Request {
  std::string method;
  std::string path;      // percent-decoded, starts with '/'
  std::string raw_path;  // as sent (still percent-encoded), for redirects
  std::string query;     // raw query string without '?', possibly empty
  const RequestHeaders* headers = nullptr;

  absl::optional<absl::string_view> Header(absl::string_view name) const {
    if (headers == nullptr) return absl::nullopt;
    return headers->Get(name);
  }
};

struct StaticFile;
struct StaticVariant;

struct Response {
  int status = 200;
  Headers headers;
  std::string body;
  // When set, the body is bytes [file_offset, file_offset + file_length) of this static file
  // variant instead of `body`.
  const StaticFile* static_file = nullptr;
  const StaticVariant* file = nullptr;
  uint64_t file_offset = 0;
  uint64_t file_length = 0;
  // True for a complete static 200 whose headers are exactly App::StaticHeaders(file, secure):
  // the server answers it with a response object built once at startup.
  bool prebuilt = false;
  // For prebuilt responses: whether the header set includes Strict-Transport-Security.
  bool secure = false;

  // The value of the first header named `name` (case-insensitive), or nullopt.
  absl::optional<absl::string_view> Find(absl::string_view name) const;
};

// Splits "/a%20b/c?x=1" into decoded path, raw path and query. Returns false when the
// target is not an origin-form path or decodes to something unsafe (NUL bytes, bad escapes).
bool ParseRequestTarget(absl::string_view target, std::string* path, std::string* raw_path,
                        std::string* query);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_HTTP_TYPES_H_
