// Builds an image's config JSON from a base config, the rule's settings and layer descriptors.
#ifndef STOWAGE_BUILDER_OCI_IMAGE_CONFIG_H_
#define STOWAGE_BUILDER_OCI_IMAGE_CONFIG_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builder/common/json_access.h"
#include "builder/oci/descriptor.h"
#include "builder/oci/media_types.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

// What an oci_image target sets. Unset optionals and empty collections inherit from the base.
struct ImageOptions {
  ImageFormat format = ImageFormat::kOci;
  std::optional<std::vector<std::string>> entrypoint;  // setting it resets the inherited Cmd
  std::optional<std::vector<std::string>> cmd;
  std::map<std::string, std::string> env;  // merged over the base's, values expanded
  std::optional<std::string> workdir;      // relative paths resolve against the base's
  std::optional<std::string> user;
  std::vector<std::string> exposed_ports;  // "8080", "8080/tcp", "53/udp"
  std::vector<std::string> volumes;        // absolute paths
  std::map<std::string, std::string> labels;
  std::optional<std::string> stop_signal;
  nlohmann::json healthcheck;  // Docker shape ({"Test":[...],"Interval":ns,...}) or null
  std::string os;              // "" inherits the base's, else "linux"
  std::string architecture;    // "" inherits the base's, else "amd64"
  std::string variant;
  std::string created;  // RFC 3339, e.g. "1970-01-01T00:00:00Z"
};

// One layer this image adds, with the label of the target that built it (for history).
struct NewLayer {
  LayerDescriptor layer;
  std::string created_by;
};

// Normalises an exposed port: "8080" -> "8080/tcp"; protocol tcp, udp or sctp; 1..65535.
absl::StatusOr<std::string> NormalizePort(const std::string& port);

// The config JSON. `base_config` is null for an image from scratch. Fields the base sets are
// inherited unless overridden; nothing unset appears (no nulls). rootfs.diff_ids are the base's
// followed by the new layers'; history keeps the base's and adds one entry per new layer.
absl::StatusOr<nlohmann::json> BuildConfig(const nlohmann::json* base_config,
                                           const ImageOptions& options,
                                           const std::vector<NewLayer>& layers);

// The manifest JSON: base layers (media types mapped to `format`) then the new layers.
// `base_manifest` is null for an image from scratch. Docker schema 2 has no annotations field,
// so `annotations` are written only in OCI format.
absl::StatusOr<nlohmann::json> BuildManifest(const nlohmann::json* base_manifest,
                                             ImageFormat format, const Descriptor& config,
                                             const std::vector<NewLayer>& layers,
                                             const std::map<std::string, std::string>& annotations);

// The `platform` object of a config (os, architecture, variant, os.version, os.features when
// set); an error when those fields have the wrong types.
absl::StatusOr<nlohmann::json> PlatformOf(const JsonView& config);

// Formats Unix seconds as RFC 3339 in UTC ("1970-01-01T00:00:00Z").
std::string FormatRfc3339(int64_t unix_seconds);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_IMAGE_CONFIG_H_
