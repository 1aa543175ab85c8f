// What an image's SBOM says, independent of the format it is written in.
#ifndef STOWAGE_BUILDER_SBOM_SBOM_MODEL_H_
#define STOWAGE_BUILDER_SBOM_SBOM_MODEL_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "builder/sbom/layer_contents.h"

namespace stowage {
namespace sbom {

struct Package {
  std::string name, version, architecture;
  std::string deb_sha256;  // hex, of the .deb file the lock pinned
  bool copyright_found = false;
  bool machine_readable = false;      // DEP-5
  std::vector<std::string> licenses;  // Debian short-name expressions
  std::map<std::string, std::string> license_texts;
  // pkg:deb/debian/NAME@VERSION?arch=ARCH (version percent-encoded).
  std::string Purl() const;
};

struct Layer {
  std::string digest, diff_id, media_type;
  int64_t size = 0;
  std::string target;                     // the Bazel target that made it
  bool from_base = false;                 // part of the base image: listed by digest only
  std::vector<std::string> static_roots;  // image paths of static_assets trees in it
  std::vector<LayerFile> files;
  std::vector<Package> packages;
};

struct Image {
  std::string name;  // the oci_image's label
  std::string manifest_digest, config_digest;
  std::string created;  // the config's "created" (the image's own time: reproducible)
  std::string os, architecture;
  std::string base_target, base_digest;  // empty without a base
  std::vector<Layer> layers;
};

bool IsStaticAsset(const Layer& layer, const std::string& path);

// urn:uuid form of a digest (a name-based UUID: same content, same id; version 5 bits set).
std::string UuidFromDigest(const std::string& sha256_hex);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_SBOM_MODEL_H_
