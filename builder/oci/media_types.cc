#include "builder/oci/media_types.h"

#include "absl/strings/str_cat.h"

namespace stowage {
namespace oci {
namespace {

struct LayerTypePair {
  const char* oci;
  const char* docker;  // nullptr: Docker schema 2 has no equivalent.
};

constexpr LayerTypePair kLayerTypes[] = {
    {kOciLayerTar, kDockerLayerTar},
    {kOciLayerGzip, kDockerLayerGzip},
    {kOciLayerZstd, nullptr},
    {kOciForeignTar, nullptr},
    {kOciForeignGzip, kDockerForeignGzip},
    {kOciForeignZstd, nullptr},
};

}  // namespace

absl::StatusOr<ImageFormat> ParseImageFormat(absl::string_view name) {
  if (name == "oci") return ImageFormat::kOci;
  if (name == "docker") return ImageFormat::kDocker;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown image format \"", name, "\": want oci or docker"));
}

const char* ImageFormatName(ImageFormat format) {
  return format == ImageFormat::kOci ? "oci" : "docker";
}

const char* ManifestMediaType(ImageFormat format) {
  return format == ImageFormat::kOci ? kOciManifest : kDockerManifest;
}

const char* IndexMediaType(ImageFormat format) {
  return format == ImageFormat::kOci ? kOciIndex : kDockerManifestList;
}

const char* ConfigMediaType(ImageFormat format) {
  return format == ImageFormat::kOci ? kOciConfig : kDockerConfig;
}

bool IsLayerMediaType(absl::string_view media_type) {
  for (const LayerTypePair& pair : kLayerTypes) {
    if (media_type == pair.oci) return true;
    if (pair.docker != nullptr && media_type == pair.docker) return true;
  }
  return false;
}

bool IsManifestMediaType(absl::string_view media_type) {
  return media_type == kOciManifest || media_type == kDockerManifest;
}

bool IsIndexMediaType(absl::string_view media_type) {
  return media_type == kOciIndex || media_type == kDockerManifestList;
}

bool IsConfigMediaType(absl::string_view media_type) {
  return media_type == kOciConfig || media_type == kDockerConfig;
}

absl::StatusOr<std::string> LayerMediaTypeFor(absl::string_view media_type, ImageFormat format) {
  for (const LayerTypePair& pair : kLayerTypes) {
    if (media_type != pair.oci && (pair.docker == nullptr || media_type != pair.docker)) continue;
    if (format == ImageFormat::kOci) return std::string(pair.oci);
    if (pair.docker == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("layer media type ", media_type,
                       " has no Docker schema 2 equivalent (zstd layers need format = \"oci\")"));
    }
    return std::string(pair.docker);
  }
  return absl::InvalidArgumentError(absl::StrCat("\"", media_type, "\" is not a layer media type"));
}

}  // namespace oci
}  // namespace stowage
