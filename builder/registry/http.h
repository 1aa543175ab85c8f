// A small HTTP client over one libcurl easy handle (connection reuse, TLS, streaming bodies
// from files, cancellation, and verbose logs with secrets redacted).
#ifndef STOWAGE_BUILDER_REGISTRY_HTTP_H_
#define STOWAGE_BUILDER_REGISTRY_HTTP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef void CURL;

namespace stowage {
namespace registry {

struct HttpRequest {
  std::string method = "GET";  // GET HEAD POST PUT PATCH DELETE
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // The body: `body_file` bytes [body_offset, body_offset + body_length) when body_file is
  // set (streamed, never loaded whole), else `body`.
  std::string body;
  std::string body_file;
  int64_t body_offset = 0;
  int64_t body_length = 0;
  // Receives a 2xx response body in pieces (returns false to abort); when unset the body is
  // kept in HttpResponse::body (at most 32 MiB).
  std::function<bool(const char* data, size_t size)> sink;
  bool follow_redirects = false;
  // Called with byte deltas (sent + received) while the transfer runs.
  std::function<void(int64_t)> on_progress;
};

struct HttpResponse {
  long status = 0;
  std::string url;  // the URL that answered (after redirects)
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercase, last response
  std::string body;
  int64_t bytes_sent = 0;  // request body bytes sent

  // The last value of header `name` (lowercase), or "".
  std::string Header(absl::string_view name) const;
};

struct TransportOptions {
  std::string ca_cert;           // PEM bundle replacing the system CAs
  bool skip_tls_verify = false;  // --insecure
  bool verbose = false;          // request/response lines on stderr, Authorization redacted
  const std::atomic<bool>* cancelled = nullptr;
  long connect_timeout_seconds = 30;
  // A transfer slower than 1 byte/s for this long is treated as a dropped connection.
  long stall_timeout_seconds = 60;
};

// The curl error code a failed transfer carries as a status payload under this key.
inline constexpr absl::string_view kCurlCodePayload = "stowage.dev/curl-code";
int CurlCodeOf(const absl::Status& status);
// curl's code for a TLS handshake that failed (e.g. the server speaks plain HTTP).
int CurlSslConnectErrorCode();

// Not thread-safe: one transport per thread (RegistryClient keeps a pool).
class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Performs one request. Transport failures become UNAVAILABLE (connection refused, reset,
  // dropped, timed out), CANCELLED (interrupted) or FAILED_PRECONDITION (TLS verification),
  // with the curl code attached (CurlCodeOf). Any HTTP status is a successful result.
  absl::StatusOr<HttpResponse> Do(const HttpRequest& request);

 private:
  TransportOptions options_;
  CURL* curl_;
};

// Replaces credentials in a header line for logs: "Authorization: Bearer <redacted>".
std::string RedactHeader(absl::string_view header_line);

// Calls curl_global_init once (thread-safe).
void InitCurlOnce();

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_HTTP_H_
