// The model as an SPDX 2.3 JSON document. Byte-reproducible: `created` is the image's own
// creation time, the documentNamespace is derived from the document's own content.
#ifndef STOWAGE_BUILDER_SBOM_SPDX_H_
#define STOWAGE_BUILDER_SBOM_SPDX_H_

#include <string>

#include "absl/status/statusor.h"
#include "builder/sbom/sbom_model.h"

namespace stowage {
namespace sbom {

absl::StatusOr<std::string> SpdxJson(const Image& image);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_SPDX_H_
