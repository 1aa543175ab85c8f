// The SBOM spec the oci_sbom rule writes, turned into the model: the image's manifest and
// config, each layer's descriptor and (for the image's own layers) its blob, read back file by
// file; the Debian packages each package layer installs, with their .deb files hashed and their
// copyright files (read from the layer) parsed.
//   {"name": LABEL, "manifest": F, "config": F,
//    "base": {"target": LABEL, "descriptor": F},                      (optional)
//    "layers": [{"descriptor": F, "blob": F, "target": LABEL, "base": bool,
//                "staticRoots": ["/app/staticfiles"],
//                "packages": [{"name", "version", "architecture", "deb": F}]}]}
#ifndef STOWAGE_BUILDER_SBOM_SBOM_SPEC_H_
#define STOWAGE_BUILDER_SBOM_SBOM_SPEC_H_

#include <string>

#include "absl/status/statusor.h"
#include "builder/sbom/sbom_model.h"

namespace stowage {
namespace sbom {

absl::StatusOr<Image> ReadSbomSpec(const std::string& spec_path);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_SBOM_SPEC_H_
