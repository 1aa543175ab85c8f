#include "builder/registry/push.h"

#include <algorithm>
#include <atomic>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/common/threads.h"
#include "builder/net/server_text.h"
#include "builder/registry/challenge.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace registry {
namespace {

// Makes sure a manifest is stored under `reference` (a digest or a tag): HEAD first, PUT only
// when it is absent or points elsewhere. Returns true when it PUT.
absl::StatusOr<bool> EnsureManifest(RegistryClient& client, const std::string& name,
                                    const std::string& reference, const ManifestBlob& manifest,
                                    const std::vector<std::string>& scopes) {
  ASSIGN_OR_RETURN(std::optional<std::string> remote,
                   client.ManifestDigest(name, reference, scopes));
  if (remote.has_value() && *remote == manifest.digest) return false;
  RETURN_IF_ERROR(PutManifest(client, name, reference, manifest, scopes));
  return true;
}

}  // namespace

absl::Status PutManifest(RegistryClient& client, const std::string& name,
                         const std::string& reference, const ManifestBlob& manifest,
                         const std::vector<std::string>& scopes) {
  HttpRequest put;
  put.method = "PUT";
  put.url = absl::StrCat("/v2/", name, "/manifests/", reference);
  put.headers.emplace_back("Content-Type", manifest.media_type);
  put.body = manifest.bytes;
  std::string what = absl::StrCat("PUT manifest ", client.host(), "/", name, ":", reference);
  ASSIGN_OR_RETURN(HttpResponse r, client.Send(put, scopes));
  if (r.status != 201 && r.status != 200) return RegistryError(r.status, r.body, what);
  std::string echoed = r.Header("docker-content-digest");
  if (!echoed.empty() && echoed != manifest.digest) {
    return absl::DataLossError(absl::StrCat(what, ": registry stored digest \"",
                                            net::ServerText(echoed, 100),
                                            "\" but the manifest's digest is ", manifest.digest));
  }
  return absl::OkStatus();
}

absl::StatusOr<PushReport> Push(RegistryClient& client, const PushPlan& plan,
                                const PushOptions& options, Progress& progress) {
  const std::string& name = options.target.name;
  const std::vector<std::string> scopes = PushScopes(name, plan.mount_sources);
  PushReport report;
  report.blobs = static_cast<int>(plan.blobs.size());

  RETURN_IF_ERROR(client.Ping());

  // Blobs, `jobs` at a time. The first error stops new uploads; running ones finish.
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  absl::Status first_error;
  auto worker = [&] {
    while (!failed.load()) {
      size_t i = next.fetch_add(1);
      if (i >= plan.blobs.size()) return;
      const LocalBlob& blob = plan.blobs[i];
      progress.Start(blob.digest, blob.kind, blob.size);
      absl::StatusOr<BlobResult> r =
          PushBlob(client, name, blob, scopes, options.upload,
                   [&progress, &blob](int64_t delta) { progress.Advance(blob.digest, delta); });
      std::lock_guard<std::mutex> lock(mu);
      if (!r.ok()) {
        progress.Done(blob.digest, "failed", 0);
        if (!failed.exchange(true)) first_error = r.status();
        continue;
      }
      switch (r->outcome) {
        case BlobOutcome::kExisted:
          ++report.existed;
          progress.Done(blob.digest, "exists", 0);
          break;
        case BlobOutcome::kMounted:
          ++report.mounted;
          progress.Done(blob.digest, "mounted", 0);
          break;
        case BlobOutcome::kUploaded:
          ++report.uploaded;
          report.bytes_uploaded += r->bytes_sent;
          if (blob.kind == "config") report.config_bytes_uploaded += r->bytes_sent;
          progress.Done(blob.digest, "pushed", r->bytes_sent);
          break;
      }
    }
  };
  int jobs = std::max(1, std::min<int>(options.jobs, static_cast<int>(plan.blobs.size())));
  ThreadGroup threads;
  absl::Status started;
  for (int i = 0; i < jobs && started.ok(); ++i)
    started = threads.Start(worker, "an upload thread");
  if (!started.ok()) failed = true;  // running uploads finish; no new ones start
  threads.Join();
  progress.Stop();
  if (!started.ok()) {
    return absl::Status(started.code(),
                        absl::StrCat(started.message(), "; no manifest or tag was pushed"));
  }

  auto finish = [&](absl::Status s) -> absl::Status {
    if (client.interrupted()) {
      int attempted = 0;
      int confirmed = client.CancelOpenUploads(&attempted);
      return absl::CancelledError(absl::StrCat("interrupted; cancelled ", confirmed, " of ",
                                               attempted,
                                               " open upload session(s); no tag was moved"));
    }
    if (absl::IsDeadlineExceeded(s)) {
      // The deadline passed mid-upload: leave the registry no half-open sessions either.
      int attempted = 0;
      int confirmed = client.CancelOpenUploads(&attempted);
      if (attempted > 0) {
        return absl::Status(s.code(), absl::StrCat(s.message(), "; cancelled ", confirmed, " of ",
                                                   attempted, " open upload session(s)"));
      }
    }
    return s;
  };
  if (failed.load()) {
    return finish(
        absl::Status(first_error.code(),
                     absl::StrCat(first_error.message(), "; no manifest or tag was pushed")));
  }
  if (client.interrupted()) return finish(absl::OkStatus());

  // Every blob is confirmed present (HEAD 200, mount 201 or upload 201): the manifests.
  for (const ManifestBlob& m : plan.manifests) {
    ASSIGN_OR_RETURN(bool put, EnsureManifest(client, name, m.digest, m, scopes));
    report.manifests_put += put ? 1 : 0;
  }
  ASSIGN_OR_RETURN(bool put_top, EnsureManifest(client, name, plan.top.digest, plan.top, scopes));
  report.manifests_put += put_top ? 1 : 0;
  for (const std::string& tag : options.tags) {
    ASSIGN_OR_RETURN(bool moved, EnsureManifest(client, name, tag, plan.top, scopes));
    (moved ? report.tags_moved : report.tags_unchanged).push_back(tag);
  }
  report.digest = plan.top.digest;
  report.requests = client.request_counts();
  report.tokens = client.tokens_fetched();
  return report;
}

}  // namespace registry
}  // namespace stowage
