// A client for one registry (distribution-spec): connection pool, scheme selection, auth,
// retries, and the blob/manifest endpoints push and pull need.
//
// Credentials are bound to the registry's origin (scheme, host and port, fixed by Ping()):
// a request to any other origin (an upload Location elsewhere) is refused unless the user
// allowed that host (--allow-upload-host), and even then goes without credentials. Redirects
// (blob downloads sent to object storage) are followed without them.
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
#include "builder/net/deadline.h"
#include "builder/net/http.h"
#include "builder/net/url.h"
#include "builder/registry/auth.h"
#include "builder/registry/credentials.h"
#include "builder/registry/retry.h"
#include "builder/registry/url.h"

namespace stowage {
namespace registry {

using net::HttpRequest;
using net::HttpResponse;
using net::HttpTransport;

struct ClientOptions {
  // Plain HTTP and unverified TLS for any host. Without it, plain HTTP is used only for
  // loopback hosts whose port does not speak TLS; the same holds for token realms, upload
  // Locations and redirects.
  bool insecure = false;
  std::string ca_cert;
  bool verbose = false;
  RetryPolicy retry;  // retry.deadline is `deadline` below
  const std::atomic<bool>* cancelled = nullptr;
  // "http" or "https" when the user wrote it in the repository; empty to detect.
  std::string scheme;
  // The command's overall deadline (--timeout); every request and retry ends by it.
  std::shared_ptr<net::Deadline> deadline;
  // Hosts ("host" or "host:port") an upload Location may point to besides the registry
  // (--allow-upload-host). They get the blob bytes, never the credentials.
  std::vector<std::string> allowed_upload_hosts;
};

// How much the default deadline (no --timeout given) grows for `bytes` to move: the time
// they take at 1 MiB/s, at most 24 h.
inline constexpr int64_t kMaxTransferAllowanceBytes = int64_t{1} << 40;
absl::Duration TransferAllowance(int64_t bytes);

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
  // `request.url` is "/v2/..." or an absolute URL (a Location): one on another origin is
  // refused unless allowed (CheckLocation).
  absl::StatusOr<HttpResponse> Send(HttpRequest request, const std::vector<std::string>& scopes,
                                    bool retry = true);

  // Resolves a Location the registry sent (against the URL that answered) and checks that
  // requests may go there: the registry's own origin, or a host the user allowed (plain
  // HTTP only where the registry itself may use it).
  absl::StatusOr<std::string> ResolveLocation(const std::string& response_url,
                                              const std::string& location) const;

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
  // True once the --timeout deadline has passed.
  bool deadline_passed() const { return options_.deadline && options_.deadline->Expired(); }
  RequestCounts request_counts() const;
  int tokens_fetched() const { return auth_.tokens_fetched(); }

  // Upload sessions that are open (started, not finished); cancelled on interrupt.
  void TrackUpload(const std::string& location, const std::vector<std::string>& scopes);
  void UntrackUpload(const std::string& location);
  // DELETEs every tracked session, ignoring failures (the spec says clients SHOULD do this on
  // abort). Uses short timeouts and ignores the cancel flag and the deadline. Returns how many
  // the registry confirmed; `attempted` (optional) receives how many DELETEs were sent.
  int CancelOpenUploads(int* attempted = nullptr);

 private:
  net::TransportOptions TransportFor(bool for_cleanup) const;
  std::unique_ptr<HttpTransport> AcquireTransport();
  void ReleaseTransport(std::unique_ptr<HttpTransport> t);
  absl::StatusOr<HttpResponse> SendOnce(const HttpRequest& request);
  absl::StatusOr<HttpResponse> SendToken(const HttpRequest& request);
  absl::Status SetBase(const std::string& scheme);
  bool IsAllowedUploadHost(const net::Origin& origin) const;
  // The ping over one scheme: the answer, or a transport error.
  absl::StatusOr<HttpResponse> PingOnce(bool retry);

  const std::string host_;
  const ClientOptions options_;
  std::string base_url_;  // scheme://host, decided by Ping()
  net::Origin origin_;    // of base_url_: the only place credentials go
  Authenticator auth_;

  mutable std::mutex mu_;
  std::vector<std::unique_ptr<HttpTransport>> idle_;
  RequestCounts counts_;
  std::map<std::string, std::vector<std::string>> open_uploads_;  // location -> scopes
};

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_CLIENT_H_
