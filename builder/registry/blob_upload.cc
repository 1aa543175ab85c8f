#include "builder/registry/blob_upload.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/net/server_text.h"
#include "builder/net/url.h"
#include "builder/registry/registry_error.h"
#include "builder/registry/url.h"

namespace stowage {
namespace registry {
namespace {

bool IsTransient(const absl::StatusOr<HttpResponse>& r) {
  return r.ok() ? IsRetryableHttpStatus(r->status) : IsRetryableStatus(r.status());
}

absl::Status AsError(const absl::StatusOr<HttpResponse>& r, const std::string& what) {
  if (!r.ok()) return r.status();
  return RegistryError(r->status, r->body, what);
}

// The next URL for an upload session: the response's Location resolved against the URL that
// answered, on the registry's origin or a host the user allowed (checked before the session
// is tracked, so not even the cancelling DELETE goes anywhere else).
absl::StatusOr<std::string> NextLocation(const RegistryClient& client, const HttpResponse& r,
                                         const std::string& what) {
  std::string location = r.Header("location");
  if (location.empty()) {
    return absl::FailedPreconditionError(what + ": the registry sent no Location header");
  }
  absl::StatusOr<std::string> next = client.ResolveLocation(r.url, location);
  if (!next.ok()) {
    return absl::Status(next.status().code(), absl::StrCat(what, ": ", next.status().message()));
  }
  return next;
}

class UploadSession {
 public:
  UploadSession(RegistryClient& client, const std::string& name, const LocalBlob& blob,
                const std::vector<std::string>& scopes, const UploadOptions& options,
                const std::function<void(int64_t)>& on_progress)
      : client_(client),
        name_(name),
        blob_(blob),
        scopes_(scopes),
        options_(options),
        on_progress_(on_progress),
        backoff_(client.options().retry) {}

  absl::StatusOr<BlobResult> Run() {
    while (true) {
      absl::StatusOr<BlobResult> r = Attempt();
      if (r.ok() || !IsRetryableStatus(r.status())) return r;
      // The session is lost or the registry failed: start over with a new session.
      std::optional<absl::Duration> delay = backoff_.NextDelay();
      if (!delay.has_value()) {
        return absl::UnavailableError(absl::StrCat(r.status().message(), backoff_.GaveUp()));
      }
      net::PrintDiagnostic(absl::StrFormat("retry %d: %s %s: new upload session in %.1fs (%s)",
                                           backoff_.retries(), blob_.kind, blob_.digest,
                                           absl::ToDoubleSeconds(*delay), r.status().message()));
      if (!SleepUnlessCancelled(*delay, client_.options().cancelled)) {
        return absl::CancelledError("interrupted");
      }
    }
  }

 private:
  std::string What(const std::string& step) const {
    return absl::StrCat(step, " ", blob_.kind, " ", blob_.digest, " to ", client_.host(), "/",
                        name_);
  }

  absl::StatusOr<BlobResult> Attempt() {
    result_ = BlobResult{};
    std::string start_url = absl::StrCat("/v2/", name_, "/blobs/uploads/");
    if (!blob_.mount_from.empty() && blob_.mount_from != name_) {
      start_url += absl::StrCat("?mount=", net::PercentEncode(blob_.digest),
                                "&from=", net::PercentEncode(blob_.mount_from));
    }
    HttpRequest post;
    post.method = "POST";
    post.url = start_url;
    absl::StatusOr<HttpResponse> r = SendUpload(post, What("start upload of"), /*retry=*/true);
    if (!r.ok() || (r->status != 201 && r->status != 202))
      return AsError(r, What("start upload of"));
    if (r->status == 201) {
      result_.outcome = BlobOutcome::kMounted;
      return result_;
    }
    ASSIGN_OR_RETURN(location_, NextLocation(client_, *r, What("start upload of")));
    client_.TrackUpload(location_, scopes_);
    result_.outcome = BlobOutcome::kUploaded;
    min_chunk_ = 0;
    (void)absl::SimpleAtoi(r->Header("oci-chunk-min-length"), &min_chunk_);
    absl::Status s = blob_.size > options_.chunk_threshold ? Chunked() : Monolithic();
    // An interrupted session stays tracked: the push DELETEs it before exiting. A request cut
    // short by the interrupt may surface as another error (a failed status request reads as
    // "session lost"), so the flag itself decides. The same for a passed deadline.
    if (absl::IsCancelled(s) || client_.interrupted()) {
      return absl::CancelledError("interrupted");
    }
    if (absl::IsDeadlineExceeded(s) || client_.deadline_passed()) {
      return absl::IsDeadlineExceeded(s) ? s
                                         : client_.options().deadline->Exceeded(What("upload of"));
    }
    client_.UntrackUpload(location_);
    if (!s.ok()) {
      if (IsRetryableStatus(s)) CancelQuietly();
      return s;
    }
    return result_;
  }

  // The session continues at a new URL (the registry may encode state in it).
  void MoveTo(const std::string& next) {
    client_.UntrackUpload(location_);
    location_ = next;
    client_.TrackUpload(location_, scopes_);
  }

  // An upload request (POST, PATCH, PUT), following 307 and 308 as RFC 9110 says (same
  // method, same body), as Docker's own client does. Each hop is checked like an upload
  // Location: the registry's origin gets the request with its credentials, a host the user
  // allowed (--allow-upload-host) gets it without them, and any other origin is refused before
  // a byte goes there. 301/302/303 would turn an upload into a GET: they are reported as the
  // HTTP errors they are.
  absl::StatusOr<HttpResponse> SendUpload(HttpRequest request, const std::string& what,
                                          bool retry = false) {
    for (int hop = 0;; ++hop) {
      absl::StatusOr<HttpResponse> r = client_.Send(request, scopes_, retry);
      if (!r.ok() || (r->status != 307 && r->status != 308)) return r;
      if (hop == net::kMaxRedirects) {
        return absl::FailedPreconditionError(
            absl::StrCat(what, ": more than ", net::kMaxRedirects, " redirects"));
      }
      ASSIGN_OR_RETURN(request.url, NextLocation(client_, *r, what));
    }
  }

  void CancelQuietly() {
    HttpRequest del;
    del.method = "DELETE";
    del.url = location_;
    (void)client_.Send(del, scopes_, /*retry=*/false);
  }

  HttpRequest BodyRequest(const std::string& method, const std::string& url, int64_t offset,
                          int64_t length) {
    HttpRequest req;
    req.method = method;
    req.url = url;
    req.body_file = blob_.path;
    req.body_offset = offset;
    req.body_length = length;
    req.on_progress = on_progress_;
    return req;
  }

  absl::Status Finish(absl::StatusOr<HttpResponse> r) {
    if (!r.ok() || r->status != 201) return AsError(r, What("finish upload of"));
    std::string echoed = r->Header("docker-content-digest");
    if (!echoed.empty() && echoed != blob_.digest) {
      return absl::DataLossError(absl::StrCat(What("upload of"), ": registry stored it as \"",
                                              net::ServerText(echoed, 100), "\""));
    }
    result_.bytes_sent += r->bytes_sent;
    return absl::OkStatus();
  }

  absl::Status Monolithic() {
    ASSIGN_OR_RETURN(std::string url, net::AddQueryParameter(location_, "digest", blob_.digest));
    HttpRequest put = BodyRequest("PUT", url, 0, blob_.size);
    absl::StatusOr<HttpResponse> r = SendUpload(put, What("upload of"));
    if (r.ok() && r->status == 404) {
      // The session was lost (e.g. an earlier attempt on a dropped connection moved it on):
      // the caller starts a new one.
      return absl::UnavailableError(absl::StrCat(What("upload of"), ": upload session lost (",
                                                 DescribeErrorBody(r->body), ")"));
    }
    return Finish(std::move(r));
  }

  absl::Status Chunked() {
    int64_t chunk = std::max(options_.chunk_size, min_chunk_);
    int64_t offset = 0;
    while (offset < blob_.size) {
      int64_t length = std::min(chunk, blob_.size - offset);
      HttpRequest patch = BodyRequest("PATCH", location_, offset, length);
      patch.headers.emplace_back("Content-Range", absl::StrCat(offset, "-", offset + length - 1));
      absl::StatusOr<HttpResponse> r = SendUpload(patch, What("upload chunk of"));
      if (r.ok() && r->status == 202) {
        ASSIGN_OR_RETURN(std::string next, NextLocation(client_, *r, What("upload chunk of")));
        MoveTo(next);
        result_.bytes_sent += r->bytes_sent;
        const int64_t next_offset =
            NextOffsetFromRange(r->Header("range")).value_or(offset + length);
        // The registry must have more than before, and no byte we did not send: a Range that
        // stands still (or runs ahead) would have us send the same chunk forever.
        if (next_offset <= offset || next_offset > offset + length) {
          return absl::UnavailableError(absl::StrCat(
              What("upload chunk of"), ": after bytes ", offset, "-", offset + length - 1,
              " the registry's Range is \"", net::ServerText(r->Header("range"), 100),
              "\" (upload session confused)"));
        }
        offset = next_offset;
        continue;
      }
      // 404 (BLOB_UPLOAD_INVALID/UNKNOWN) and 416 mean the registry's view of the session
      // differs from ours, typically after a chunk was cut off: ask it where it stands.
      bool session_confused = r.ok() && (r->status == 404 || r->status == 416);
      if (!IsTransient(r) && !session_confused) return AsError(r, What("upload chunk of"));
      // Dropped connection, 5xx or out-of-order: ask the registry how much it has.
      std::optional<absl::Duration> delay = backoff_.NextDelay(
          r.ok() ? ParseRetryAfter(r->Header("retry-after"), absl::Now()) : std::nullopt);
      if (!delay.has_value()) return AsError(r, What("upload chunk of"));
      std::string why =
          r.ok() ? absl::StrCat("HTTP ", r->status) : std::string(r.status().message());
      if (!SleepUnlessCancelled(*delay, client_.options().cancelled)) {
        return absl::CancelledError("interrupted");
      }
      HttpRequest status_request;
      status_request.url = location_;
      absl::StatusOr<HttpResponse> s = client_.Send(status_request, scopes_);
      if (!s.ok() || s->status != 204) {
        // The session is gone: the caller starts a new one.
        return absl::UnavailableError(absl::StrCat(What("resume upload of"), ": ", why,
                                                   ", and the session could not be resumed"));
      }
      if (!s->Header("location").empty()) {
        ASSIGN_OR_RETURN(std::string next, NextLocation(client_, *s, What("resume upload of")));
        MoveTo(next);
      }
      int64_t resume_at = NextOffsetFromRange(s->Header("range")).value_or(0);
      net::PrintDiagnostic(absl::StrFormat("resume %s %s at byte %d of %d (%s)", blob_.kind,
                                           blob_.digest, resume_at, blob_.size, why));
      offset = resume_at;
    }
    ASSIGN_OR_RETURN(std::string url, net::AddQueryParameter(location_, "digest", blob_.digest));
    HttpRequest put;
    put.method = "PUT";
    put.url = url;
    return Finish(SendUpload(put, What("finish upload of")));
  }

  RegistryClient& client_;
  const std::string& name_;
  const LocalBlob& blob_;
  const std::vector<std::string>& scopes_;
  const UploadOptions& options_;
  const std::function<void(int64_t)>& on_progress_;
  Backoff backoff_;
  BlobResult result_;
  std::string location_;
  int64_t min_chunk_ = 0;
};

}  // namespace

std::optional<int64_t> NextOffsetFromRange(const std::string& range) {
  absl::string_view r = range;
  if (absl::StartsWith(r, "bytes=")) r.remove_prefix(6);
  size_t dash = r.find('-');
  if (dash == absl::string_view::npos) return std::nullopt;
  int64_t start, end;
  if (!absl::SimpleAtoi(r.substr(0, dash), &start) || !absl::SimpleAtoi(r.substr(dash + 1), &end)) {
    return std::nullopt;
  }
  if (start != 0 || end < -1) return std::nullopt;
  return end + 1;
}

absl::Status VerifyLocalBlob(const LocalBlob& blob) {
  struct stat st;
  if (stat(blob.path.c_str(), &st) != 0)
    return ErrnoStatus("cannot read " + blob.kind + " blob", blob.path);
  if (static_cast<int64_t>(st.st_size) != blob.size) {
    return absl::InvalidArgumentError(absl::StrCat(blob.kind, " blob ", blob.path, " has ",
                                                   st.st_size, " bytes but its descriptor says ",
                                                   blob.size));
  }
  ASSIGN_OR_RETURN(std::string digest, Sha256OfFile(blob.path));
  if (digest != blob.digest) {
    return absl::InvalidArgumentError(absl::StrCat(blob.kind, " blob ", blob.path, " has digest ",
                                                   digest, " but its descriptor says ",
                                                   blob.digest));
  }
  return absl::OkStatus();
}

absl::StatusOr<BlobResult> PushBlob(RegistryClient& client, const std::string& name,
                                    const LocalBlob& blob, const std::vector<std::string>& scopes,
                                    const UploadOptions& options,
                                    const std::function<void(int64_t)>& on_progress) {
  ASSIGN_OR_RETURN(std::optional<int64_t> remote, client.BlobSize(name, blob.digest, scopes));
  if (remote.has_value()) return BlobResult{BlobOutcome::kExisted, 0};
  RETURN_IF_ERROR(VerifyLocalBlob(blob));
  UploadSession session(client, name, blob, scopes, options, on_progress);
  return session.Run();
}

}  // namespace registry
}  // namespace stowage
