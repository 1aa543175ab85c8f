// OCI and Docker v2 schema 2 media types, and the mapping between the two formats.
#ifndef STOWAGE_BUILDER_OCI_MEDIA_TYPES_H_
#define STOWAGE_BUILDER_OCI_MEDIA_TYPES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace oci {

// The manifest format of an image: OCI media types or Docker v2 schema 2 ones.
enum class ImageFormat { kOci, kDocker };

absl::StatusOr<ImageFormat> ParseImageFormat(absl::string_view name);
const char* ImageFormatName(ImageFormat format);

inline constexpr char kOciManifest[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndex[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciConfig[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kOciLayerTar[] = "application/vnd.oci.image.layer.v1.tar";
inline constexpr char kOciLayerGzip[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr char kOciLayerZstd[] = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr char kOciForeignTar[] = "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr char kOciForeignGzip[] =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr char kOciForeignZstd[] =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";

inline constexpr char kDockerManifest[] = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr char kDockerManifestList[] =
    "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr char kDockerConfig[] = "application/vnd.docker.container.image.v1+json";
inline constexpr char kDockerLayerTar[] = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr char kDockerLayerGzip[] = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr char kDockerForeignGzip[] =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

inline constexpr char kOciLayoutHeader[] = "application/vnd.oci.layout.header.v1+json";

const char* ManifestMediaType(ImageFormat format);
const char* IndexMediaType(ImageFormat format);
const char* ConfigMediaType(ImageFormat format);

// True for any OCI or Docker layer media type.
bool IsLayerMediaType(absl::string_view media_type);
// True for an image manifest media type of either format.
bool IsManifestMediaType(absl::string_view media_type);
bool IsIndexMediaType(absl::string_view media_type);
bool IsConfigMediaType(absl::string_view media_type);

// The layer media type to write in a manifest of `format`: Docker types map to their OCI
// equivalents and back. Errors for non-layer types and for zstd layers in Docker format,
// which Docker's schema 2 cannot express.
absl::StatusOr<std::string> LayerMediaTypeFor(absl::string_view media_type, ImageFormat format);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_MEDIA_TYPES_H_
