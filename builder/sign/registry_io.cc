#include "builder/sign/registry_io.h"

#include <stdlib.h>
#include <unistd.h>

#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/registry/challenge.h"
#include "builder/registry/manifest_types.h"
#include "builder/registry/progress.h"
#include "builder/registry/push.h"
#include "builder/registry/registry_error.h"

namespace stowage {
namespace sign {
namespace {

using registry::HttpRequest;
using registry::HttpResponse;

std::vector<std::string> PullScopes(const registry::RepositoryRef& repo) {
  return {registry::RepositoryScope(repo.name, {"pull"})};
}

std::string ContentType(const HttpResponse& r) {
  std::string type = r.Header("content-type");
  return std::string(absl::StripAsciiWhitespace(type.substr(0, type.find(';'))));
}

// A private directory for the blobs of one upload (the push code streams blobs from files),
// removed with its files when it goes away.
class BlobDir {
 public:
  ~BlobDir() {
    for (const std::string& f : files_) unlink(f.c_str());
    if (!path_.empty()) rmdir(path_.c_str());
  }
  absl::Status Create() {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern =
        absl::StrCat(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp", "/stowage-sign.XXXXXX");
    if (mkdtemp(&pattern[0]) == nullptr) return ErrnoStatus("cannot create", pattern);
    path_ = pattern;
    return absl::OkStatus();
  }
  absl::StatusOr<std::string> Write(const Blob& blob) {
    std::string path = absl::StrCat(path_, "/", DigestHex(blob.digest));
    RETURN_IF_ERROR(WriteFileAtomically(path, blob.bytes));
    files_.push_back(path);
    return path;
  }

 private:
  std::string path_;
  std::vector<std::string> files_;
};

}  // namespace

absl::StatusOr<std::optional<FetchedManifest>> FetchManifest(registry::RegistryClient& client,
                                                             const registry::RepositoryRef& repo,
                                                             const std::string& reference) {
  HttpRequest req;
  req.url = absl::StrCat("/v2/", repo.name, "/manifests/", reference);
  req.headers.emplace_back("Accept", registry::kAcceptManifests);
  req.max_body_bytes = registry::kMaxManifestResponseBytes;
  ASSIGN_OR_RETURN(HttpResponse r, client.Send(req, PullScopes(repo)));
  if (r.status == 404) return std::nullopt;
  std::string what = absl::StrCat("GET manifest ", repo.ToString(), ":", reference);
  if (r.status != 200) return registry::RegistryError(r.status, r.body, what);
  FetchedManifest m;
  m.digest = Sha256Digest(r.body);
  if (ValidateDigest(reference).ok() && m.digest != reference) {
    return absl::DataLossError(
        absl::StrCat(what, ": the registry sent a manifest with digest ", m.digest));
  }
  m.media_type = ContentType(r);
  m.bytes = std::move(r.body);
  return m;
}

absl::StatusOr<std::string> FetchBlob(registry::RegistryClient& client,
                                      const registry::RepositoryRef& repo,
                                      const std::string& digest, int64_t max_bytes) {
  RETURN_IF_ERROR(ValidateDigest(digest));
  HttpRequest req;
  req.url = absl::StrCat("/v2/", repo.name, "/blobs/", digest);
  req.max_redirects = net::kMaxRedirects;
  req.max_body_bytes = static_cast<size_t>(max_bytes);
  std::string what = absl::StrCat("GET blob ", repo.ToString(), "@", digest);
  absl::StatusOr<HttpResponse> r = client.Send(req, PullScopes(repo));
  if (!r.ok() && absl::IsOutOfRange(r.status())) {
    return absl::ResourceExhaustedError(absl::StrCat(what, ": over ", max_bytes, " bytes"));
  }
  RETURN_IF_ERROR(r.status());
  if (r->status != 200) return registry::RegistryError(r->status, r->body, what);
  if (Sha256Digest(r->body) != digest) {
    return absl::DataLossError(absl::StrCat(what, ": the bytes do not match the digest"));
  }
  return std::move(r->body);
}

absl::StatusOr<std::optional<std::string>> FetchReferrersApi(registry::RegistryClient& client,
                                                             const registry::RepositoryRef& repo,
                                                             const std::string& digest) {
  RETURN_IF_ERROR(ValidateDigest(digest));
  HttpRequest req;
  req.url = absl::StrCat("/v2/", repo.name, "/referrers/", digest);
  req.headers.emplace_back("Accept", oci::kOciIndex);
  req.max_body_bytes = registry::kMaxManifestResponseBytes;
  ASSIGN_OR_RETURN(HttpResponse r, client.Send(req, PullScopes(repo)));
  if (r.status != 200 || ContentType(r) != oci::kOciIndex) return std::nullopt;
  return std::move(r.body);
}

absl::Status Upload(registry::RegistryClient& client, const registry::RepositoryRef& repo,
                    const std::vector<Blob>& blobs, const std::string& manifest_bytes,
                    const std::string& manifest_media_type, const std::vector<std::string>& tags) {
  BlobDir dir;
  RETURN_IF_ERROR(dir.Create());
  registry::PushPlan plan;
  for (const Blob& b : blobs) {
    bool seen = false;
    for (const registry::LocalBlob& l : plan.blobs) seen = seen || l.digest == b.digest;
    if (seen) continue;
    registry::LocalBlob local;
    local.digest = b.digest;
    local.size = static_cast<int64_t>(b.bytes.size());
    ASSIGN_OR_RETURN(local.path, dir.Write(b));
    local.kind =
        b.media_type == oci::kOciConfig || b.media_type == kOciEmptyType ? "config" : "layer";
    plan.blobs.push_back(std::move(local));
  }
  plan.top.bytes = manifest_bytes;
  plan.top.media_type = manifest_media_type;
  plan.top.digest = Sha256Digest(manifest_bytes);
  registry::PushOptions options;
  options.target = repo;
  options.tags = tags;
  registry::Progress progress(/*live=*/false);
  ASSIGN_OR_RETURN(registry::PushReport report, registry::Push(client, plan, options, progress));
  (void)report;
  return absl::OkStatus();
}

}  // namespace sign
}  // namespace stowage
