// The tool's one HTTP layer, over libcurl: every request stowage makes (registry, token
// server, Heroku Platform API, `stowage check --url`) goes through HttpTransport, so these
// rules hold for all of them:
//  - a credential (HttpRequest::credential) is bound to one origin and sent only to it; a
//    request or redirect hop to any other origin goes without it. Authorization and Cookie
//    headers cannot be passed any other way;
//  - redirects are followed here, hop by hop (never by libcurl): http/https only, no user
//    info, at most max_redirects, each hop checked like the first request;
//  - plain HTTP only to loopback unless the client allows it (--insecure for registries);
//  - connect timeout, a low-speed limit, the request's own timeout and the operation's
//    Deadline bound every transfer; a stalled server fails with a message naming the request;
//  - named caps on everything a server sizes: header bytes and count, bodies kept in memory,
//    error bodies;
//  - nothing a server sends is logged or put in an error unescaped (server_text.h).
#ifndef STOWAGE_BUILDER_NET_HTTP_H_
#define STOWAGE_BUILDER_NET_HTTP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "builder/net/deadline.h"
#include "builder/net/url.h"

typedef void CURL;
typedef void CURLSH;

namespace stowage {
namespace net {

// Caps on what a server decides the size of.
inline constexpr size_t kMaxHeaderBytes = 256 << 10;    // all header lines of one exchange
inline constexpr size_t kMaxHeaderCount = 300;          // header lines of one exchange
inline constexpr size_t kMaxBodyInMemory = 32 << 20;    // a 2xx body kept in memory (default)
inline constexpr size_t kMaxErrorBodyBytes = 64 << 10;  // kept of a non-2xx body (rest dropped)
inline constexpr int kMaxRedirects = 10;

using HeaderField = std::pair<std::string, std::string>;

// An Authorization value bound to the origin it was issued for.
struct Credential {
  std::string authorization;  // "Basic ...", "Bearer ..."
  Origin origin;
};

struct HttpRequest {
  std::string method = "GET";  // GET HEAD POST PUT PATCH DELETE
  std::string url;
  std::vector<HeaderField> headers;  // never Authorization/Cookie: use `credential`
  std::optional<Credential> credential;
  // The body: `body_file` bytes [body_offset, body_offset + body_length) when body_file is
  // set (streamed, never loaded whole), else `body`.
  std::string body;
  std::string body_file;
  int64_t body_offset = 0;
  int64_t body_length = 0;
  // Receives a 2xx body in pieces (returns false to abort); when unset the body is kept in
  // HttpResponse::body.
  std::function<bool(const char* data, size_t size)> sink;
  // 0: a 3xx is returned as it is. Otherwise up to this many hops are followed.
  int max_redirects = 0;
  // A 2xx body without a sink longer than this fails the request (OUT_OF_RANGE), or, with
  // truncate_body, is cut there (the rest is not read).
  size_t max_body_bytes = kMaxBodyInMemory;
  bool truncate_body = false;
  // This request's own limit (besides the transport's deadline).
  absl::Duration timeout = absl::InfiniteDuration();
  // Called with byte deltas (sent + received) while the transfer runs.
  std::function<void(int64_t)> on_progress;
};

struct HttpResponse {
  long status = 0;
  std::string url;  // the URL that answered (after redirects)
  // Header names lower-cased, in arrival order, of the last response; repeated headers stay
  // separate. Values as sent: quote them through ServerText().
  std::vector<HeaderField> headers;
  std::string body;
  bool body_truncated = false;       // an error body (or truncate_body) was cut at its cap
  int64_t bytes_sent = 0;            // request body bytes sent
  bool credential_withheld = false;  // a hop went to another origin without the credential

  // The last value of header `name` (lower case), or "".
  std::string Header(absl::string_view name) const;
  bool HasHeader(absl::string_view name) const;
  std::vector<std::string> AllHeaders(absl::string_view name) const;
};

enum class PlainHttp {
  kLoopbackOnly,  // http:// only to 127.0.0.0/8, ::1, localhost
  kAnyHost,       // --insecure (registries), or a checker that sends no credentials
};

struct TransportOptions {
  std::string ca_cert;           // PEM bundle replacing the system CAs
  bool skip_tls_verify = false;  // --insecure
  PlainHttp plain_http = PlainHttp::kLoopbackOnly;
  std::string plain_http_flag = "--insecure";  // named in the refusal
  bool verbose = false;  // request/response lines on stderr, credentials redacted
  const std::atomic<bool>* cancelled = nullptr;
  absl::Duration connect_timeout = absl::Seconds(30);
  // Less than 1 byte/s for this long is a dropped connection (retryable).
  absl::Duration stall_timeout = absl::Seconds(60);
  // The operation's overall limit; nullptr for none. Not owned.
  const Deadline* deadline = nullptr;
};

// The curl error code a failed transfer carries as a status payload under this key.
inline constexpr absl::string_view kCurlCodePayload = "stowage.dev/curl-code";
int CurlCodeOf(const absl::Status& status);
// curl's code for a TLS handshake that failed (e.g. the server speaks plain HTTP).
int CurlSslConnectErrorCode();

// Refuses plain HTTP to a non-loopback host unless `options` allow it. `what` names the URL's
// role in the message ("upload Location", "token realm").
absl::Status CheckPlainHttp(const Url& url, const TransportOptions& options,
                            absl::string_view what);

// "GET http://127.0.0.1:5000/v2/" for messages (the URL redacted).
std::string DescribeRequest(absl::string_view method, absl::string_view url);

// One libcurl easy handle (connection reuse). Not thread-safe: one transport per thread.
class HttpTransport {
 public:
  explicit HttpTransport(TransportOptions options);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Performs one request (following redirects when asked). Transport failures become
  // UNAVAILABLE (refused, reset, dropped, stalled), CANCELLED (interrupted), DEADLINE_EXCEEDED
  // (the deadline or the request's timeout passed), FAILED_PRECONDITION (TLS verification,
  // refused destination) or OUT_OF_RANGE (a cap), with the curl code attached (CurlCodeOf).
  // Any HTTP status is a successful result.
  absl::StatusOr<HttpResponse> Do(const HttpRequest& request);

  const TransportOptions& options() const { return options_; }

 private:
  absl::StatusOr<HttpResponse> Perform(const HttpRequest& request, const std::string& method,
                                       const Url& url, bool with_credential, bool with_body);

  TransportOptions options_;
  CURLSH* share_;  // the connection cache, DNS and TLS sessions of this transport's requests
};

// What the deploy code (Heroku API, live checks) talks to; tests substitute a fake.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// An HttpClient over one HttpTransport.
class CurlHttpClient : public HttpClient {
 public:
  explicit CurlHttpClient(TransportOptions options) : transport_(std::move(options)) {}
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    return transport_.Do(request);
  }

 private:
  HttpTransport transport_;
};

// Prints one diagnostic line on stderr (retries, verbose request logs), escaped and with
// registered secrets redacted; lines from several threads never interleave.
void PrintDiagnostic(absl::string_view line);

// Calls curl_global_init once (thread-safe).
void InitCurlOnce();

}  // namespace net
}  // namespace stowage

#endif  // STOWAGE_BUILDER_NET_HTTP_H_
