#include "builder/registry/client.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"
#include "builder/registry/manifest_types.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace registry {
namespace {

// Short limits for the DELETEs sent while exiting on an interrupt or a passed deadline.
constexpr absl::Duration kCleanupTimeout = absl::Seconds(5);

// True when the response came from `origin` (not from a host a redirect led to).
bool AnsweredBy(const HttpResponse& r, const net::Origin& origin) {
  absl::StatusOr<net::Url> url = net::ParseUrl(r.url);
  return url.ok() && url->origin == origin;
}

}  // namespace

absl::Duration TransferAllowance(int64_t bytes) {
  if (bytes <= 0) return absl::ZeroDuration();
  return std::min(absl::Hours(24), absl::Seconds(static_cast<double>(bytes) / (1 << 20)));
}

RegistryClient::RegistryClient(std::string host, Credentials credentials, ClientOptions options)
    : host_(std::move(host)),
      options_(std::move(options)),
      auth_(
          host_, std::move(credentials), [this](const HttpRequest& r) { return SendToken(r); },
          AuthPolicy{options_.insecure}) {
  (void)SetBase("https");
}

absl::Status RegistryClient::SetBase(const std::string& scheme) {
  base_url_ = scheme + "://" + host_;
  absl::StatusOr<net::Url> url = net::ParseUrl(base_url_ + "/v2/", "registry");
  if (!url.ok()) return url.status();
  origin_ = url->origin;
  return absl::OkStatus();
}

net::TransportOptions RegistryClient::TransportFor(bool for_cleanup) const {
  net::TransportOptions t;
  t.ca_cert = options_.ca_cert;
  t.skip_tls_verify = options_.insecure;
  t.plain_http = options_.insecure ? net::PlainHttp::kAnyHost : net::PlainHttp::kLoopbackOnly;
  t.verbose = options_.verbose;
  if (for_cleanup) {
    t.connect_timeout = kCleanupTimeout;
    t.stall_timeout = kCleanupTimeout;
  } else {
    t.cancelled = options_.cancelled;
    t.deadline = options_.deadline.get();
  }
  return t;
}

std::unique_ptr<HttpTransport> RegistryClient::AcquireTransport() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      auto t = std::move(idle_.back());
      idle_.pop_back();
      return t;
    }
  }
  return std::make_unique<HttpTransport>(TransportFor(/*for_cleanup=*/false));
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
    if (!delay.has_value()) {
      if (r.ok()) return r;
      return absl::Status(r.status().code(), absl::StrCat(r.status().message(), backoff.GaveUp()));
    }
    if (!SleepUnlessCancelled(*delay, options_.cancelled)) {
      return absl::CancelledError("interrupted");
    }
  }
}

bool RegistryClient::IsAllowedUploadHost(const net::Origin& origin) const {
  for (const std::string& allowed : options_.allowed_upload_hosts) {
    std::string a = absl::AsciiStrToLower(allowed);
    if (a == origin.HostAndPort() || a == absl::StrCat(origin.host, ":", origin.port)) return true;
  }
  return false;
}

absl::StatusOr<std::string> RegistryClient::ResolveLocation(const std::string& response_url,
                                                            const std::string& location) const {
  ASSIGN_OR_RETURN(net::Url base, net::ParseUrl(response_url, "request URL"));
  absl::StatusOr<net::Url> url = net::ResolveUrl(base, location, "the registry's Location");
  if (!url.ok()) return absl::FailedPreconditionError(url.status().message());
  if (url->origin == origin_) return url->text;
  if (!IsAllowedUploadHost(url->origin)) {
    const std::string other = net::ServerText(url->origin.HostAndPort(), 200);
    return absl::PermissionDeniedError(
        absl::StrCat("the registry sent a Location on another origin (", net::RedactUrl(url->text),
                     "): refusing to send data there; if ", other,
                     " is the registry's own upload service, pass --allow-upload-host ", other,
                     " (credentials for ", host_, " are never sent there)"));
  }
  // An allowed host still gets plain HTTP only where the registry itself may.
  net::TransportOptions policy = TransportFor(false);
  RETURN_IF_ERROR(net::CheckPlainHttp(*url, policy, "upload Location"));
  return url->text;
}

absl::StatusOr<HttpResponse> RegistryClient::Send(HttpRequest request,
                                                  const std::vector<std::string>& scopes,
                                                  bool retry) {
  bool to_registry = true;
  if (absl::StartsWith(request.url, "/")) {
    request.url = base_url_ + request.url;
  } else {
    // An absolute URL is a Location: the registry's origin, or a host the user allowed.
    ASSIGN_OR_RETURN(request.url, ResolveLocation(request.url, request.url));
    ASSIGN_OR_RETURN(net::Url url, net::ParseUrl(request.url));
    to_registry = url.origin == origin_;
  }
  const std::string what = net::DescribeRequest(request.method, request.url);
  Backoff backoff(options_.retry);
  bool answered_challenge = false;
  while (true) {
    HttpRequest attempt = request;
    std::string authorization;
    if (to_registry) {
      ASSIGN_OR_RETURN(authorization, auth_.AuthorizationFor(scopes));
      if (!authorization.empty()) attempt.credential = net::Credential{authorization, origin_};
    }
    absl::StatusOr<HttpResponse> r = SendOnce(attempt);
    // Only the registry's own 401 teaches us a challenge (and so a token realm).
    if (r.ok() && r->status == 401 && to_registry && AnsweredBy(*r, origin_)) {
      // Learn the challenge and retry once; a second 401 is reported (by the authenticator
      // when it can say why, e.g. "rejected the credentials").
      RETURN_IF_ERROR(auth_.OnUnauthorized(r->Header("www-authenticate"), scopes, authorization));
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
      if (!r.ok())
        return absl::UnavailableError(absl::StrCat(r.status().message(), backoff.GaveUp()));
      absl::Status e = RegistryError(r->status, r->body, what);
      return absl::Status(e.code(), absl::StrCat(e.message(), backoff.GaveUp()));
    }
    net::PrintDiagnostic(absl::StrFormat("retry %d: %s in %.1fs (%s)", backoff.retries(), what,
                                         absl::ToDoubleSeconds(*delay), reason));
    if (!SleepUnlessCancelled(*delay, options_.cancelled)) {
      return absl::CancelledError("interrupted");
    }
  }
}

absl::StatusOr<HttpResponse> RegistryClient::PingOnce(bool retry) {
  HttpRequest request;
  request.url = "/v2/";
  request.max_body_bytes = net::kMaxErrorBodyBytes;
  request.truncate_body = true;
  return Send(request, {}, retry);
}

absl::Status RegistryClient::Ping() {
  const bool loopback = IsLoopbackHost(host_);
  std::vector<std::string> schemes;
  bool probe_http = false;  // a first, credential-free guess that may move on to https
  if (options_.scheme == "http") {
    if (!options_.insecure && !loopback) {
      return absl::InvalidArgumentError(
          absl::StrCat("plain HTTP to ", host_,
                       " is refused: only loopback hosts may use it without --insecure"));
    }
    schemes = {"http"};
  } else if (options_.scheme == "https") {
    schemes = {"https"};
  } else if (loopback) {
    // Plain HTTP is allowed on loopback, and this first request carries no credentials, so
    // trying it first costs nothing in safety and saves a failed TLS handshake on the common
    // local registry. Only a port that speaks TLS makes us move on: it answers plain HTTP
    // with a 400 or hangs up.
    schemes = {"http", "https"};
    probe_http = true;
  } else if (options_.insecure) {
    schemes = {"https", "http"};
  } else {
    schemes = {"https"};
  }

  // What the plain-HTTP probe heard, for the message when https fails too.
  std::string http_answer;
  absl::Status last;
  for (size_t i = 0; i < schemes.size(); ++i) {
    const bool can_move_on = i + 1 < schemes.size();
    RETURN_IF_ERROR(SetBase(schemes[i]));
    const std::string what = "GET " + base_url_ + "/v2/";
    absl::StatusOr<HttpResponse> r = PingOnce(/*retry=*/!can_move_on);
    if (!r.ok()) {
      last = r.status();
      if (!can_move_on) break;
      const int code = net::CurlCodeOf(last);
      // A TLS port hangs up on plain HTTP (or the TLS handshake fails on a plain port); an
      // unreachable port may be the other scheme's. A server that connected and then said
      // nothing (stalled), a passed deadline, an interrupt or refused credentials are the
      // answer: trying the other scheme on it would only hide what happened.
      const bool other_scheme_likely =
          code == net::CurlSslConnectErrorCode() || code == 52 /*CURLE_GOT_NOTHING*/ ||
          code == 55 /*CURLE_SEND_ERROR*/ || code == 56 /*CURLE_RECV_ERROR*/;
      const bool unreachable = absl::IsUnavailable(last) && code != 28 /*stalled, or no connect*/;
      if (other_scheme_likely || unreachable) continue;
      break;
    }
    if (r->status == 200) return absl::OkStatus();
    if (can_move_on && !probe_http) continue;  // --insecure: https said no, try http
    if (can_move_on) {
      // The plain-HTTP probe got an HTTP answer: this port speaks HTTP. Only Go's "Client
      // sent an HTTP request to an HTTPS server" (a 400) means TLS is what it wants.
      if (r->status == 400) {
        if (!absl::StrContains(r->body, "HTTPS")) {
          http_answer = absl::StrCat(what, " answered HTTP 400");
        }
        continue;
      }
      if (IsRetryableHttpStatus(r->status)) {
        // 429 and 5xx pass: retry them over the same scheme, as any other request.
        r = PingOnce(/*retry=*/true);
        if (!r.ok()) return r.status();
        if (r->status == 200) return absl::OkStatus();
      }
    }
    if (r->status == 404) {
      return absl::FailedPreconditionError(
          absl::StrCat(what, " answered 404: not an OCI/Docker registry (no /v2/ endpoint)"));
    }
    absl::Status e = RegistryError(r->status, r->body, what);
    return absl::Status(e.code(), absl::StrCat(e.message(), " (the registry's version check)"));
  }
  if (!http_answer.empty() && net::CurlCodeOf(last) == net::CurlSslConnectErrorCode()) {
    return absl::FailedPreconditionError(
        absl::StrCat(http_answer, ", and https:// failed: ", last.message()));
  }
  return last;
}

absl::StatusOr<std::optional<int64_t>> RegistryClient::BlobSize(
    const std::string& name, const std::string& digest, const std::vector<std::string>& scopes) {
  HttpRequest request;
  request.method = "HEAD";
  request.url = absl::StrCat("/v2/", name, "/blobs/", digest);
  request.max_redirects = net::kMaxRedirects;
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
  request.headers.emplace_back("Accept", kAcceptManifests);
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
  HttpTransport t(TransportFor(/*for_cleanup=*/true));
  for (const auto& [location, scopes] : uploads) {
    HttpRequest request;
    request.method = "DELETE";
    request.url = location;
    request.timeout = kCleanupTimeout;
    // Tokens are cached: this asks the token server nothing new in the common case. The
    // credential is bound to the registry: a session on an allowed upload host gets none.
    absl::StatusOr<std::string> auth = auth_.AuthorizationFor(scopes);
    if (auth.ok() && !auth->empty()) request.credential = net::Credential{*auth, origin_};
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counts_["DELETE"];
    }
    absl::StatusOr<HttpResponse> r = t.Do(request);
    if (r.ok() && (r->status == 204 || r->status == 202 || r->status == 200)) ++cancelled;
  }
  return cancelled;
}

}  // namespace registry
}  // namespace stowage
