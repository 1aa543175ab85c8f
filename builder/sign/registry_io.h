// The registry reads and writes signing needs, over the registry client: manifests and blobs
// held in memory (small, capped, digest-checked) and uploads through the push code (HEAD
// first: only missing blobs go up).
#ifndef STOWAGE_BUILDER_SIGN_REGISTRY_IO_H_
#define STOWAGE_BUILDER_SIGN_REGISTRY_IO_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/registry/client.h"
#include "builder/registry/url.h"
#include "builder/sign/cosign_layout.h"

namespace stowage {
namespace sign {

struct FetchedManifest {
  std::string bytes;
  std::string media_type;  // Content-Type without parameters
  std::string digest;      // sha256 of bytes
};

// GET /v2/<name>/manifests/<reference>; nullopt on 404. For a digest reference, the bytes
// must have that digest.
absl::StatusOr<std::optional<FetchedManifest>> FetchManifest(registry::RegistryClient& client,
                                                             const registry::RepositoryRef& repo,
                                                             const std::string& reference);

// A blob of at most `max_bytes`, checked against `digest`.
absl::StatusOr<std::string> FetchBlob(registry::RegistryClient& client,
                                      const registry::RepositoryRef& repo,
                                      const std::string& digest, int64_t max_bytes);

// The referrers API's index for `digest`, or nullopt when the registry has no such API
// (anything but a 200 with an OCI index).
absl::StatusOr<std::optional<std::string>> FetchReferrersApi(registry::RegistryClient& client,
                                                             const registry::RepositoryRef& repo,
                                                             const std::string& digest);

// Uploads `blobs` (those the registry lacks) and then `manifest` by digest, then points `tags`
// at it.
absl::Status Upload(registry::RegistryClient& client, const registry::RepositoryRef& repo,
                    const std::vector<Blob>& blobs, const std::string& manifest_bytes,
                    const std::string& manifest_media_type, const std::vector<std::string>& tags);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_REGISTRY_IO_H_
