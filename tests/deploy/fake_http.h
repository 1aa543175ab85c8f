// An HttpClient for tests: answers from a handler and records every request.
#ifndef STOWAGE_TESTS_DEPLOY_FAKE_HTTP_H_
#define STOWAGE_TESTS_DEPLOY_FAKE_HTTP_H_

#include <functional>
#include <vector>

#include "builder/deploy/http_client.h"

namespace stowage {

class FakeHttpClient : public HttpClient {
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

inline std::string RequestHeader(const HttpRequest& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

}  // namespace stowage

#endif  // STOWAGE_TESTS_DEPLOY_FAKE_HTTP_H_
