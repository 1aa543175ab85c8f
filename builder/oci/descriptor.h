// Content descriptors (mediaType, digest, size, ...) and the layer descriptor files that
// `stowage layer` and `stowage pull` write (docs/formats.md).
#ifndef STOWAGE_BUILDER_OCI_DESCRIPTOR_H_
#define STOWAGE_BUILDER_OCI_DESCRIPTOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/common/json_access.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace oci {

struct Descriptor {
  std::string media_type;
  std::string digest;
  int64_t size = 0;
  std::vector<std::string> urls;
  std::map<std::string, std::string> annotations;
  nlohmann::json platform;  // null when absent; else checked: os and architecture strings

  // The descriptor as it appears in a manifest or index: only the fields that are set.
  nlohmann::json ToJson() const;
};

// Parses and checks a descriptor object: media type present, digest grammar, size >= 0,
// urls a list of strings, annotations strings, platform an object of strings. Errors name the
// field path and the document.
absl::StatusOr<Descriptor> ParseDescriptor(const JsonView& value);
// The same for a whole document; `where` names it in errors.
absl::StatusOr<Descriptor> ParseDescriptor(const nlohmann::json& value, const std::string& where);

// Checks a `platform` object (index entries, descriptors): os and architecture are strings,
// variant and os.version strings when present, os.features a list of strings.
absl::Status CheckPlatform(const JsonView& platform);

// A layer descriptor file: the descriptor plus the layer's diff_id (sha256 of the
// uncompressed tar). The media type must be a layer type.
struct LayerDescriptor {
  Descriptor descriptor;
  std::string diff_id;
};

absl::StatusOr<LayerDescriptor> ParseLayerDescriptor(const JsonView& value);
absl::StatusOr<LayerDescriptor> ParseLayerDescriptor(const nlohmann::json& value,
                                                     const std::string& where);
absl::StatusOr<LayerDescriptor> ReadLayerDescriptor(const std::string& path);

// The descriptor of a blob held in memory (a config or manifest we just wrote).
Descriptor DescribeBlob(const std::string& media_type, const std::string& bytes);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_DESCRIPTOR_H_
