// The model as a CycloneDX 1.5 JSON BOM. Byte-reproducible: no clock, no random id (the
// serialNumber is derived from the document's own content), canonical JSON.
#ifndef STOWAGE_BUILDER_SBOM_CYCLONEDX_H_
#define STOWAGE_BUILDER_SBOM_CYCLONEDX_H_

#include <string>

#include "absl/status/statusor.h"
#include "builder/sbom/sbom_model.h"

namespace stowage {
namespace sbom {

absl::StatusOr<std::string> CycloneDxJson(const Image& image);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_CYCLONEDX_H_
