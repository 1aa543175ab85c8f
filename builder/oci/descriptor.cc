#include "builder/oci/descriptor.h"

#include "absl/strings/str_cat.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/oci/media_types.h"

namespace stowage {
namespace oci {

nlohmann::json Descriptor::ToJson() const {
  nlohmann::json out = {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
  if (!urls.empty()) out["urls"] = urls;
  if (!annotations.empty()) out["annotations"] = annotations;
  if (!platform.is_null()) out["platform"] = platform;
  return out;
}

absl::StatusOr<Descriptor> ParseDescriptor(const nlohmann::json& value, const std::string& where) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("descriptor in ", where, " is not an object"));
  }
  Descriptor d;
  auto media_type = value.find("mediaType");
  if (media_type == value.end() || !media_type->is_string() ||
      media_type->get<std::string>().empty()) {
    return absl::InvalidArgumentError(absl::StrCat("descriptor in ", where, " has no mediaType"));
  }
  d.media_type = media_type->get<std::string>();
  auto digest = value.find("digest");
  if (digest == value.end() || !digest->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("descriptor in ", where, " has no digest"));
  }
  d.digest = digest->get<std::string>();
  absl::Status valid = ValidateDigest(d.digest);
  if (!valid.ok())
    return absl::InvalidArgumentError(absl::StrCat(valid.message(), " (", where, ")"));
  auto size = value.find("size");
  if (size == value.end() || !size->is_number_integer() || size->get<int64_t>() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("descriptor in ", where, " needs a non-negative integer size"));
  }
  d.size = size->get<int64_t>();
  if (auto urls = value.find("urls"); urls != value.end() && !urls->is_null()) {
    if (!urls->is_array()) {
      return absl::InvalidArgumentError(absl::StrCat("urls in ", where, " is not a list"));
    }
    for (const auto& url : *urls) {
      if (!url.is_string()) {
        return absl::InvalidArgumentError(absl::StrCat("urls in ", where, " holds a non-string"));
      }
      d.urls.push_back(url.get<std::string>());
    }
  }
  if (auto ann = value.find("annotations"); ann != value.end() && !ann->is_null()) {
    if (!ann->is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("annotations in ", where, " is not an object"));
    }
    for (const auto& [key, v] : ann->items()) {
      if (!v.is_string()) {
        return absl::InvalidArgumentError(
            absl::StrCat("annotation ", key, " in ", where, " is not a string"));
      }
      d.annotations[key] = v.get<std::string>();
    }
  }
  if (auto platform = value.find("platform"); platform != value.end() && !platform->is_null()) {
    if (!platform->is_object()) {
      return absl::InvalidArgumentError(absl::StrCat("platform in ", where, " is not an object"));
    }
    d.platform = *platform;
  }
  return d;
}

absl::StatusOr<LayerDescriptor> ParseLayerDescriptor(const nlohmann::json& value,
                                                     const std::string& where) {
  LayerDescriptor layer;
  ASSIGN_OR_RETURN(layer.descriptor, ParseDescriptor(value, where));
  if (!IsLayerMediaType(layer.descriptor.media_type)) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, " does not describe a layer: mediaType \"", layer.descriptor.media_type, "\""));
  }
  auto diff_id = value.find("diffId");
  if (diff_id == value.end() || !diff_id->is_string()) {
    return absl::InvalidArgumentError(absl::StrCat("layer descriptor ", where, " has no diffId"));
  }
  layer.diff_id = diff_id->get<std::string>();
  absl::Status valid = ValidateDigest(layer.diff_id);
  if (!valid.ok())
    return absl::InvalidArgumentError(absl::StrCat(valid.message(), " (", where, ")"));
  return layer;
}

absl::StatusOr<LayerDescriptor> ReadLayerDescriptor(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json value, ReadJsonFile(path));
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
