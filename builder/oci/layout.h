// Writes an OCI image layout directory: oci-layout, index.json (with the tag as
// org.opencontainers.image.ref.name) and blobs/sha256/<hex>.
#ifndef STOWAGE_BUILDER_OCI_LAYOUT_H_
#define STOWAGE_BUILDER_OCI_LAYOUT_H_

#include <string>

#include "absl/status/status.h"
#include "builder/oci/image_set.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

// The layout's index.json: one descriptor for the image (or index), tagged when `tag` is set.
nlohmann::json LayoutIndex(const Descriptor& root, const std::string& tag);

inline constexpr char kOciLayoutFile[] = "{\"imageLayoutVersion\":\"1.0.0\"}";

// Builds the layout in a temporary directory beside `out_dir` and renames it into place, so a
// failure (a blob whose digest does not match, a bad tag) leaves no partial layout.
absl::Status WriteLayout(const ImageSet& set, const std::string& tag, const std::string& out_dir);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_LAYOUT_H_
