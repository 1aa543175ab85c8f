// Assembles an image's config, manifest and manifest descriptor from small files only: the
// base's config and manifest and the new layers' descriptors. Layer blobs are never read, so
// the cost does not depend on layer sizes.
#ifndef STOWAGE_BUILDER_OCI_IMAGE_BUILDER_H_
#define STOWAGE_BUILDER_OCI_IMAGE_BUILDER_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/common/json_access.h"
#include "builder/oci/image_config.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

struct ImageInputs {
  std::optional<std::string> base_config;    // bytes of the base's config blob
  std::optional<std::string> base_manifest;  // bytes of the base's manifest blob
  ImageOptions options;
  std::vector<NewLayer> layers;
  std::map<std::string, std::string> annotations;  // manifest annotations
};

struct BuiltImage {
  std::string config;         // canonical JSON bytes
  std::string manifest;       // canonical JSON bytes
  nlohmann::json descriptor;  // the manifest's descriptor with its platform
};

absl::StatusOr<BuiltImage> AssembleImage(const ImageInputs& inputs);

// Parses the JSON spec the oci_image rule writes (see docs/image.md) into options, new layers
// (descriptors read from the paths it names) and annotations. `status` holds the workspace
// status keys when stamping (empty otherwise); `source_date_epoch` is the default creation time.
struct ImageSpec {
  ImageInputs inputs;
  std::optional<std::string> base_config_path;
  std::optional<std::string> base_manifest_path;
};
absl::StatusOr<ImageSpec> ParseImageSpec(const nlohmann::json& spec,
                                         const std::map<std::string, std::string>& status,
                                         int64_t source_date_epoch);

// Builds the Docker-shaped healthcheck from the rule's fields: test (list), interval, timeout,
// start_period, start_interval (durations such as "30s") and retries.
absl::StatusOr<nlohmann::json> BuildHealthcheck(const JsonView& spec);
absl::StatusOr<nlohmann::json> BuildHealthcheck(const nlohmann::json& spec);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_IMAGE_BUILDER_H_
