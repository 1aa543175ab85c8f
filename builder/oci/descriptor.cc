#include "builder/oci/descriptor.h"

#include <limits>

#include "absl/strings/str_cat.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/oci/media_types.h"

namespace stowage {
namespace oci {
namespace {

// Field caps: a media type is at most 127 characters by RFC 6838 (with room to spare), a
// digest "sha512:" and 128 hex digits.
constexpr size_t kMaxMediaType = 255;
constexpr size_t kMaxDigest = 256;
constexpr size_t kMaxUrls = 100;
constexpr size_t kMaxPlatformField = 255;
constexpr size_t kMaxPlatformFeatures = 100;

}  // namespace

nlohmann::json Descriptor::ToJson() const {
  nlohmann::json out = {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
  if (!urls.empty()) out["urls"] = urls;
  if (!annotations.empty()) out["annotations"] = annotations;
  if (!platform.is_null()) out["platform"] = platform;
  return out;
}

absl::Status CheckPlatform(const JsonView& platform) {
  RETURN_IF_ERROR(platform.ExpectObject());
  ASSIGN_OR_RETURN(std::string os, platform.RequiredString("os", kMaxPlatformField));
  ASSIGN_OR_RETURN(std::string arch, platform.RequiredString("architecture", kMaxPlatformField));
  RETURN_IF_ERROR(platform.OptionalString("variant", "", kMaxPlatformField).status());
  RETURN_IF_ERROR(platform.OptionalString("os.version", "", kMaxPlatformField).status());
  RETURN_IF_ERROR(platform.OptionalStringArray("os.features", kMaxPlatformFeatures).status());
  RETURN_IF_ERROR(platform.OptionalStringArray("features", kMaxPlatformFeatures).status());
  return absl::OkStatus();
}

absl::StatusOr<Descriptor> ParseDescriptor(const JsonView& value) {
  RETURN_IF_ERROR(value.ExpectObject());
  Descriptor d;
  ASSIGN_OR_RETURN(d.media_type, value.RequiredString("mediaType", kMaxMediaType));
  if (d.media_type.empty()) return value.Error("mediaType is empty");
  ASSIGN_OR_RETURN(d.digest, value.RequiredString("digest", kMaxDigest));
  if (absl::Status valid = ValidateDigest(d.digest); !valid.ok()) {
    ASSIGN_OR_RETURN(JsonView digest, value.Required("digest"));
    return digest.Error(valid.message());
  }
  ASSIGN_OR_RETURN(d.size, value.RequiredInt("size", 0, std::numeric_limits<int64_t>::max()));
  ASSIGN_OR_RETURN(d.urls, value.OptionalStringArray("urls", kMaxUrls));
  ASSIGN_OR_RETURN(d.annotations,
                   value.OptionalStringMap("annotations", limits::kMaxConfigEntries));
  if (value.Has("platform")) {
    ASSIGN_OR_RETURN(JsonView platform, value.Required("platform"));
    RETURN_IF_ERROR(CheckPlatform(platform));
    d.platform = platform.json();
  }
  return d;
}

absl::StatusOr<Descriptor> ParseDescriptor(const nlohmann::json& value, const std::string& where) {
  return ParseDescriptor(JsonView(value, where));
}

absl::StatusOr<LayerDescriptor> ParseLayerDescriptor(const JsonView& value) {
  LayerDescriptor layer;
  ASSIGN_OR_RETURN(layer.descriptor, ParseDescriptor(value));
  if (!IsLayerMediaType(layer.descriptor.media_type)) {
    return value.Error(
        absl::StrCat("does not describe a layer: mediaType \"", layer.descriptor.media_type, "\""));
  }
  ASSIGN_OR_RETURN(layer.diff_id, value.RequiredString("diffId", kMaxDigest));
  if (absl::Status valid = ValidateDigest(layer.diff_id); !valid.ok()) {
    ASSIGN_OR_RETURN(JsonView diff_id, value.Required("diffId"));
    return diff_id.Error(valid.message());
  }
  return layer;
}

absl::StatusOr<LayerDescriptor> ParseLayerDescriptor(const nlohmann::json& value,
                                                     const std::string& where) {
  return ParseLayerDescriptor(JsonView(value, where));
}

absl::StatusOr<LayerDescriptor> ReadLayerDescriptor(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json value, ReadJsonFile(path, limits::kMaxDescriptorBytes));
  return ParseLayerDescriptor(value, path);
}

Descriptor DescribeBlob(const std::string& media_type, const std::string& bytes) {
  Descriptor d;
  d.media_type = media_type;
  d.digest = Sha256Digest(bytes);
  d.size = static_cast<int64_t>(bytes.size());
  return d;
}

}  // namespace oci
}  // namespace stowage
