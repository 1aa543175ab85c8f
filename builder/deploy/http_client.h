// A minimal HTTP client interface over libcurl, for the Heroku Platform API and live checks.
//
// An interface so the release flow and the live checks can be unit-tested with a fake.
// Requests never follow redirects (an Authorization header must not travel to another host,
// and the checker must see the redirect itself) and are bounded by timeouts.
#ifndef STOWAGE_BUILDER_DEPLOY_HTTP_CLIENT_H_
#define STOWAGE_BUILDER_DEPLOY_HTTP_CLIENT_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace stowage {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  long connect_timeout_ms = 5000;
  long total_timeout_ms = 15000;
};

struct HttpResponse {
  long status = 0;
  // Header names lower-cased, in arrival order; repeated headers (Set-Cookie) stay separate.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // at most 1 MiB is kept

  // The first header named `name` (lower-case), or "".
  std::string Header(const std::string& name) const;
  bool HasHeader(const std::string& name) const;
  std::vector<std::string> AllHeaders(const std::string& name) const;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // A transport failure (refused, timeout, bad URL) is an error; any HTTP status is a response.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

// libcurl-backed client: http and https only, no redirects, TLS verified; proxies from the
// environment (libcurl's default) except for loopback addresses.
class CurlHttpClient : public HttpClient {
 public:
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_HTTP_CLIENT_H_
