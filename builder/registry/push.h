// The push: blobs in parallel (HEAD, mount, upload), then manifests, then tags, so that a
// failed push never moves a tag.
#ifndef STOWAGE_BUILDER_REGISTRY_PUSH_H_
#define STOWAGE_BUILDER_REGISTRY_PUSH_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/registry/blob_upload.h"
#include "builder/registry/client.h"
#include "builder/registry/progress.h"
#include "builder/registry/push_plan.h"

namespace stowage {
namespace registry {

struct PushOptions {
  RepositoryRef target;
  std::vector<std::string> tags;
  int jobs = 4;
  UploadOptions upload;
};

struct PushReport {
  std::string digest;  // of the top manifest or index
  int blobs = 0, uploaded = 0, existed = 0, mounted = 0;
  int64_t bytes_uploaded = 0;
  int64_t config_bytes_uploaded = 0;
  int manifests_put = 0;
  std::vector<std::string> tags_moved, tags_unchanged;
  RequestCounts requests;
  int tokens = 0;
};

absl::StatusOr<PushReport> Push(RegistryClient& client, const PushPlan& plan,
                                const PushOptions& options, Progress& progress);

// Uploads a manifest by reference and checks the digest the registry echoes.
absl::Status PutManifest(RegistryClient& client, const std::string& name,
                         const std::string& reference, const ManifestBlob& manifest,
                         const std::vector<std::string>& scopes);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_PUSH_H_
