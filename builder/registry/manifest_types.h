// Media types of manifests and indexes (OCI and Docker v2 schema 2).
#ifndef STOWAGE_BUILDER_REGISTRY_MANIFEST_TYPES_H_
#define STOWAGE_BUILDER_REGISTRY_MANIFEST_TYPES_H_

#include <cstddef>

#include "absl/strings/string_view.h"
#include "builder/common/limits.h"

namespace stowage {
namespace registry {

inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerList[] = "application/vnd.docker.distribution.manifest.list.v2+json";

// Every manifest type we read, for Accept headers.
inline constexpr char kAcceptManifests[] =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

// A manifest or index a registry sends us may be this large; a longer answer fails the
// request (the same cap as for manifests read from files).
inline constexpr size_t kMaxManifestResponseBytes = limits::kMaxManifestBytes;

inline bool IsIndexType(absl::string_view media_type) {
  return media_type == kOciIndex || media_type == kDockerList;
}
inline bool IsManifestType(absl::string_view media_type) {
  return media_type == kOciManifest || media_type == kDockerManifest;
}

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_MANIFEST_TYPES_H_
