// Pulling an image pinned by digest (or by tag, resolved once) from a registry or from a local
// OCI layout into a directory that oci_import can use: every blob verified against its digest.
#ifndef STOWAGE_BUILDER_REGISTRY_PULL_H_
#define STOWAGE_BUILDER_REGISTRY_PULL_H_

#include <string>

#include "absl/status/statusor.h"
#include "builder/common/json_access.h"
#include "builder/registry/client.h"
#include "builder/registry/url.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace registry {

struct Platform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;  // optional ("v8", "v7")
};

// "linux/amd64", "linux/arm64/v8".
absl::StatusOr<Platform> ParsePlatform(const std::string& text);

// The index entry for `platform` (the first match, as the image spec says); an entry without
// a variant matches any requested variant only when the request has none. Entries and
// platforms of the wrong shape are errors naming the field and the index's source.
absl::StatusOr<nlohmann::json> SelectPlatform(const JsonView& index, const Platform& platform);
absl::StatusOr<nlohmann::json> SelectPlatform(const nlohmann::json& index,
                                              const Platform& platform);

// Maps Docker layer media types to their OCI equivalents (formats.md: descriptors carry OCI
// types); other types pass through.
std::string OciLayerMediaType(const std::string& media_type);
// "gzip", "zstd" or "none" for a layer media type.
std::string CompressionOf(const std::string& media_type);

struct PullRequest {
  // Exactly one source: a registry repository or an OCI layout directory.
  std::optional<RepositoryRef> repository;
  std::string layout;
  std::string digest;  // wins over tag when both are set
  std::string tag;
  Platform platform;
  std::string output;  // directory (created if missing)
  int jobs = 4;
};

// Every size the source controls is capped (limits.h: manifest, config, layer count, index
// entries) and every field type-checked before anything is fetched or written.
// Writes into `output`: blobs/sha256/<hex> (config and layers), manifest.json (exact bytes),
// descriptor.json, layer<i>.json (docs/formats.md layer descriptors; `source` names the
// registry repository), and pull.json listing them (read by the oci_pull repository rule).
// Returns the manifest digest.
absl::StatusOr<std::string> Pull(const PullRequest& request, RegistryClient* client);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_PULL_H_
