// Builds a multi-platform image index (OCI) or manifest list (Docker) from image descriptors.
#ifndef STOWAGE_BUILDER_OCI_INDEX_BUILDER_H_
#define STOWAGE_BUILDER_OCI_INDEX_BUILDER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/oci/descriptor.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

struct BuiltIndex {
  std::string index;          // canonical JSON bytes
  nlohmann::json descriptor;  // the index's descriptor
};

// Each image descriptor must carry a platform (os and architecture); no two may share one.
// The media type follows the images: Docker manifests give a Docker manifest list, OCI
// manifests an OCI index; a mix is an error. Annotations are written for OCI only.
absl::StatusOr<BuiltIndex> BuildIndex(const std::vector<Descriptor>& images,
                                      const std::map<std::string, std::string>& annotations);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_INDEX_BUILDER_H_
