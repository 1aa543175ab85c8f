// Writes one tar that is both a docker-archive (`docker load`: manifest.json, repositories) and
// an OCI image layout (oci-layout, index.json, blobs/sha256/...), as modern `docker save` does.
#ifndef STOWAGE_BUILDER_OCI_TARBALL_H_
#define STOWAGE_BUILDER_OCI_TARBALL_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builder/oci/image_set.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

// docker-archive's manifest.json for `set`'s single image.
absl::StatusOr<nlohmann::json> DockerArchiveManifest(const ImageSet& set,
                                                     const std::vector<std::string>& repo_tags);

// Streams every blob straight from its file into the tar (verifying digests on the way);
// entries are sorted, with mtime 0, uid/gid 0 and fixed modes, so the bytes depend only on
// the image. Written to a temporary file and renamed on success.
absl::Status WriteTarball(const ImageSet& set, const std::vector<std::string>& repo_tags,
                          const std::string& out_path);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_TARBALL_H_
