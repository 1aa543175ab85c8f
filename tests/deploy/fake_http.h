// An HttpClient for tests: answers from a handler and records every request.
#ifndef STOWAGE_TESTS_DEPLOY_FAKE_HTTP_H_
#define STOWAGE_TESTS_DEPLOY_FAKE_HTTP_H_

#include <functional>
#include <vector>

#include "builder/net/http.h"

namespace stowage {

using net::HttpRequest;
using net::HttpResponse;

class FakeHttpClient : public net::HttpClient {
 public:
  using Handler = std::function<absl::StatusOr<HttpResponse>(const HttpRequest&)>;
  explicit FakeHttpClient(Handler handler) : handler_(std::move(handler)) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    return handler_(request);
  }

  std::vector<HttpRequest> requests;

 private:
  Handler handler_;
};

// A request header's value; "Authorization" gives the credential's value (what the transport
// sends when the request's origin is the credential's).
inline std::string RequestHeader(const HttpRequest& request, const std::string& name) {
  if (name == "Authorization") {
    return request.credential.has_value() ? request.credential->authorization : "";
  }
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace stowage

#endif  // STOWAGE_TESTS_DEPLOY_FAKE_HTTP_H_
