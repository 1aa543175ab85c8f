// A client for one registry (distribution-spec): connection pool, scheme selection, auth,
// retries, and the blob/manifest endpoints push and pull need.
#ifndef STOWAGE_BUILDER_REGISTRY_CLIENT_H_
#define STOWAGE_BUILDER_REGISTRY_CLIENT_H_

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/registry/auth.h"
#include "builder/registry/credentials.h"
#include "builder/registry/http.h"
#include "builder/registry/retry.h"
#include "builder/registry/url.h"

namespace stowage {
namespace registry {

struct ClientOptions {
  // Plain HTTP and unverified TLS for any host. Without it, plain HTTP is used only for
  // loopback hosts whose port does not speak TLS.
  bool insecure = false;
  std::string ca_cert;
  bool verbose = false;
  RetryPolicy retry;
  const std::atomic<bool>* cancelled = nullptr;
  // "http" or "https" when the user wrote it in the repository; empty to detect.
  std::string scheme;
};

// Counts of requests sent to the registry (not the token server), by method.
using RequestCounts = std::map<std::string, int>;

class RegistryClient {
 public:
  RegistryClient(std::string host, Credentials credentials, ClientOptions options);

  // GET /v2/: chooses https or (loopback / --insecure only) http, and learns the auth
  // challenge so later parallel requests carry credentials from the start.
  absl::Status Ping();

  // Sends a request to the registry with auth (one retry after a 401 challenge) and, when
  // `retry` is set, retries on connection errors, 5xx and 429 (honouring Retry-After).
  // `path_or_url` is "/v2/..." or an absolute URL (a Location).
  absl::StatusOr<HttpResponse> Send(HttpRequest request, const std::vector<std::string>& scopes,
                                    bool retry = true);

  // The absolute URL of a registry path ("/v2/...").
  std::string Url(const std::string& path) const { return base_url_ + path; }

  // HEAD /v2/<name>/blobs/<digest>: the size when present, nullopt when absent (404).
  absl::StatusOr<std::optional<int64_t>> BlobSize(const std::string& name,
                                                  const std::string& digest,
                                                  const std::vector<std::string>& scopes);
  // HEAD /v2/<name>/manifests/<ref>: the Docker-Content-Digest when present.
  absl::StatusOr<std::optional<std::string>> ManifestDigest(const std::string& name,
                                                            const std::string& reference,
                                                            const std::vector<std::string>& scopes);

  const std::string& host() const { return host_; }
  const ClientOptions& options() const { return options_; }
  // True once the interrupt flag (SIGINT/SIGTERM) is set.
  bool interrupted() const { return options_.cancelled != nullptr && options_.cancelled->load(); }
  RequestCounts request_counts() const;
  int tokens_fetched() const { return auth_.tokens_fetched(); }

  // Upload sessions that are open (started, not finished); cancelled on interrupt.
  void TrackUpload(const std::string& location, const std::vector<std::string>& scopes);
  void UntrackUpload(const std::string& location);
  // DELETEs every tracked session, ignoring failures (the spec says clients SHOULD do this on
  // abort). Uses short timeouts and ignores the cancel flag. Returns how many the registry
  // confirmed; `attempted` (optional) receives how many DELETEs were sent.
  int CancelOpenUploads(int* attempted = nullptr);

 private:
  std::unique_ptr<HttpTransport> AcquireTransport(bool ignore_cancel = false);
  void ReleaseTransport(std::unique_ptr<HttpTransport> t);
  absl::StatusOr<HttpResponse> SendOnce(const HttpRequest& request);
  absl::StatusOr<HttpResponse> SendToken(const HttpRequest& request);

  const std::string host_;
  const ClientOptions options_;
  std::string base_url_;  // scheme://host, decided by Ping()
  Authenticator auth_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<HttpTransport>> idle_;
  RequestCounts counts_;
  std::map<std::string, std::vector<std::string>> open_uploads_;  // location -> scopes
};

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_CLIENT_H_
