#include "builder/oci/index_builder.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/oci/media_types.h"

namespace stowage {
namespace oci {

absl::StatusOr<BuiltIndex> BuildIndex(const std::vector<Descriptor>& images,
                                      const std::map<std::string, std::string>& annotations) {
  if (images.empty()) return absl::InvalidArgumentError("an image index needs at least one image");
  std::set<std::string> media_types;
  std::set<std::string> platforms;
  nlohmann::json manifests = nlohmann::json::array();
  for (const Descriptor& image : images) {
    if (!IsManifestMediaType(image.media_type)) {
      return absl::InvalidArgumentError(
          absl::StrCat(image.digest, " is not an image manifest (", image.media_type, ")"));
    }
    media_types.insert(image.media_type);
    const nlohmann::json& p = image.platform;
    if (!p.is_object() || !p.contains("os") || !p.contains("architecture")) {
      return absl::InvalidArgumentError(absl::StrCat("image ", image.digest, " has no platform"));
    }
    std::string key = JsonForDisplay(p, -1);
    if (!platforms.insert(key).second) {
      return absl::InvalidArgumentError(absl::StrCat("two images for platform ", key));
    }
    manifests.push_back(image.ToJson());
  }
  if (media_types.size() > 1) {
    return absl::InvalidArgumentError(
        "the index mixes OCI and Docker images: give every image the same format");
  }
  bool docker = *media_types.begin() == kDockerManifest;
  nlohmann::json index = {
      {"schemaVersion", 2},
      {"mediaType", docker ? kDockerManifestList : kOciIndex},
      {"manifests", manifests},
  };
  if (!docker && !annotations.empty()) index["annotations"] = annotations;
  BuiltIndex out;
  ASSIGN_OR_RETURN(out.index, CanonicalJson(index, "the image index"));
  out.descriptor = DescribeBlob(index["mediaType"], out.index).ToJson();
  return out;
}

}  // namespace oci
}  // namespace stowage
