#include "builder/registry/client.h"

#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "builder/common/status_macros.h"
#include "builder/registry/manifest_types.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace registry {

RegistryClient::RegistryClient(std::string host, Credentials credentials, ClientOptions options)
    : host_(std::move(host)),
      options_(std::move(options)),
      base_url_("https://" + host_),
      auth_(host_, std::move(credentials), [this](const HttpRequest& r) { return SendToken(r); }) {}

std::unique_ptr<HttpTransport> RegistryClient::AcquireTransport(bool ignore_cancel) {
  if (!ignore_cancel) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto t = std::move(idle_.back());
      idle_.pop_back();
      return t;
    }
  }
  TransportOptions t;
  t.ca_cert = options_.ca_cert;
  t.skip_tls_verify = options_.insecure;
  t.verbose = options_.verbose;
  t.cancelled = ignore_cancel ? nullptr : options_.cancelled;
  if (ignore_cancel) {
    t.connect_timeout_seconds = 5;
    t.stall_timeout_seconds = 5;
  }
  return std::make_unique<HttpTransport>(t);
}

void RegistryClient::ReleaseTransport(std::unique_ptr<HttpTransport> t) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(std::move(t));
}

absl::StatusOr<HttpResponse> RegistryClient::SendOnce(const HttpRequest& request) {
  std::unique_ptr<HttpTransport> t = AcquireTransport();
  absl::StatusOr<HttpResponse> r = t->Do(request);
  ReleaseTransport(std::move(t));
  if (r.ok()) {
    // Requests the registry answered (a TLS probe of a plain-HTTP port is not one).
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[request.method];
  }
  return r;
}

absl::StatusOr<HttpResponse> RegistryClient::SendToken(const HttpRequest& request) {
  Backoff backoff(options_.retry);
  while (true) {
    std::unique_ptr<HttpTransport> t = AcquireTransport();
    absl::StatusOr<HttpResponse> r = t->Do(request);
    ReleaseTransport(std::move(t));
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_["token"];
    }
    bool transient = r.ok() ? IsRetryableHttpStatus(r->status) : IsRetryableStatus(r.status());
    if (!transient) return r;
    std::optional<absl::Duration> delay = backoff.NextDelay();
    if (!delay.has_value()) return r;
    if (!SleepUnlessCancelled(*delay, options_.cancelled)) {
      return absl::CancelledError("interrupted");
    }
  }
}

absl::StatusOr<HttpResponse> RegistryClient::Send(HttpRequest request,
                                                  const std::vector<std::string>& scopes,
                                                  bool retry) {
  if (absl::StartsWith(request.url, "/")) request.url = base_url_ + request.url;
  Backoff backoff(options_.retry);
  bool answered_challenge = false;
  while (true) {
    ASSIGN_OR_RETURN(std::string auth_header, auth_.HeaderFor(scopes));
    HttpRequest attempt = request;
    if (!auth_header.empty()) attempt.headers.push_back(auth_header);
    absl::StatusOr<HttpResponse> r = SendOnce(attempt);
    if (r.ok() && r->status == 401) {
      // Learn the challenge and retry once; a second 401 is reported (by the authenticator
      // when it can say why, e.g. "rejected the credentials").
      RETURN_IF_ERROR(auth_.OnUnauthorized(r->Header("www-authenticate"), scopes, auth_header));
      if (!answered_challenge) {
        answered_challenge = true;
        continue;
      }
      return r;
    }
    bool transient = r.ok() ? IsRetryableHttpStatus(r->status) : IsRetryableStatus(r.status());
    if (!retry || !transient) return r;
    std::optional<absl::Duration> retry_after;
    if (r.ok()) retry_after = ParseRetryAfter(r->Header("retry-after"), absl::Now());
    std::optional<absl::Duration> delay = backoff.NextDelay(retry_after);
    std::string reason =
        r.ok() ? absl::StrCat("HTTP ", r->status) : std::string(r.status().message());
    if (!delay.has_value()) {
      std::string why = absl::StrCat(" (gave up after ", backoff.retries(), " retries)");
      if (!r.ok()) return absl::UnavailableError(absl::StrCat(r.status().message(), why));
      absl::Status e = RegistryError(r->status, r->body, request.method + " " + request.url);
      return absl::Status(e.code(), absl::StrCat(e.message(), why));
    }
    std::fprintf(stderr, "retry %d: %s %s in %.1fs (%s)\n", backoff.retries(),
                 request.method.c_str(), request.url.c_str(), absl::ToDoubleSeconds(*delay),
                 reason.c_str());
    if (!SleepUnlessCancelled(*delay, options_.cancelled)) {
      return absl::CancelledError("interrupted");
    }
  }
}

absl::Status RegistryClient::Ping() {
  struct Try {
    std::string scheme;
    bool probe;  // a cheap first guess: no retries, any non-registry answer moves on
  };
  std::vector<Try> tries;
  bool loopback = IsLoopbackHost(host_);
  if (options_.scheme == "http") {
    if (!options_.insecure && !loopback) {
      return absl::InvalidArgumentError(
          absl::StrCat("plain HTTP to ", host_,
                       " is refused: only loopback hosts may use it without --insecure"));
    }
    tries = {{"http", false}};
  } else if (options_.scheme == "https") {
    tries = {{"https", false}};
  } else if (loopback) {
    // Plain HTTP is allowed on loopback, and this first request carries no credentials, so
    // trying it first costs nothing in safety and saves a failed TLS handshake on the common
    // local registry. A TLS port answers it with a 400 (or hangs up): then https.
    tries = {{"http", true}, {"https", false}};
  } else if (options_.insecure) {
    tries = {{"https", true}, {"http", false}};
  } else {
    tries = {{"https", false}};
  }
  absl::Status last;
  for (size_t i = 0; i < tries.size(); ++i) {
    const bool can_move_on = tries[i].probe && i + 1 < tries.size();
    base_url_ = tries[i].scheme + "://" + host_;
    HttpRequest request;
    request.url = "/v2/";
    absl::StatusOr<HttpResponse> r = Send(request, {}, /*retry=*/!can_move_on);
    if (!r.ok()) {
      last = r.status();
      bool tls_mismatch = CurlCodeOf(r.status()) == CurlSslConnectErrorCode();
      if (can_move_on && (tls_mismatch || IsRetryableStatus(r.status()))) continue;
      return last;
    }
    if (r->status == 200) return absl::OkStatus();
    if (can_move_on) continue;  // e.g. 400 "HTTP request to an HTTPS server"
    if (r->status == 404) {
      return absl::FailedPreconditionError(
          absl::StrCat(base_url_, "/v2/ answered 404: not an OCI/Docker registry"));
    }
    return RegistryError(r->status, r->body, "GET " + base_url_ + "/v2/");
  }
  return last;
}

absl::StatusOr<std::optional<int64_t>> RegistryClient::BlobSize(
    const std::string& name, const std::string& digest, const std::vector<std::string>& scopes) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = absl::StrCat("/v2/", name, "/blobs/", digest);
  request.follow_redirects = true;
  ASSIGN_OR_RETURN(HttpResponse r, Send(request, scopes));
  if (r.status == 404) return std::optional<int64_t>();
  if (r.status != 200) return RegistryError(r.status, r.body, "HEAD blob " + digest);
  int64_t size = -1;
  (void)absl::SimpleAtoi(r.Header("content-length"), &size);
  return std::optional<int64_t>(size);
}

absl::StatusOr<std::optional<std::string>> RegistryClient::ManifestDigest(
    const std::string& name, const std::string& reference, const std::vector<std::string>& scopes) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = absl::StrCat("/v2/", name, "/manifests/", reference);
  request.headers.push_back(std::string("Accept: ") + kAcceptManifests);
  ASSIGN_OR_RETURN(HttpResponse r, Send(request, scopes));
  if (r.status == 404) return std::optional<std::string>();
  if (r.status != 200) {
    return RegistryError(r.status, r.body, absl::StrCat("HEAD manifest ", name, ":", reference));
  }
  return std::optional<std::string>(r.Header("docker-content-digest"));
}

RequestCounts RegistryClient::request_counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

void RegistryClient::TrackUpload(const std::string& location,
                                 const std::vector<std::string>& scopes) {
  std::lock_guard<std::mutex> lock(mu_);
  open_uploads_[location] = scopes;
}

void RegistryClient::UntrackUpload(const std::string& location) {
  std::lock_guard<std::mutex> lock(mu_);
  open_uploads_.erase(location);
}

int RegistryClient::CancelOpenUploads(int* attempted) {
  std::map<std::string, std::vector<std::string>> uploads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    uploads.swap(open_uploads_);
  }
  int cancelled = 0;
  if (attempted != nullptr) *attempted = static_cast<int>(uploads.size());
  std::unique_ptr<HttpTransport> t = AcquireTransport(/*ignore_cancel=*/true);
  for (const auto& [location, scopes] : uploads) {
    HttpRequest request;
    request.method = "DELETE";
    request.url = location;
    // Tokens are cached: this asks the token server nothing new in the common case.
    absl::StatusOr<std::string> auth = auth_.HeaderFor(scopes);
    if (auth.ok() && !auth->empty()) request.headers.push_back(*auth);
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_["DELETE"];
    }
    absl::StatusOr<HttpResponse> r = t->Do(request);
    if (r.ok() && (r->status == 204 || r->status == 202 || r->status == 200)) ++cancelled;
  }
  return cancelled;
}

}  // namespace registry
}  // namespace stowage
