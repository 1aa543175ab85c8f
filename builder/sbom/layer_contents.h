// What is in a layer blob, read back from the blob itself (so the SBOM lists exactly what the
// image holds): every regular file with its size, SHA-256 and SHA-1, and the Debian copyright
// files (usr/share/doc/NAME/copyright) for licenses. One streaming pass through libarchive
// (gzip, zstd or none); file bytes are hashed as they stream, never held.
#ifndef STOWAGE_BUILDER_SBOM_LAYER_CONTENTS_H_
#define STOWAGE_BUILDER_SBOM_LAYER_CONTENTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace stowage {
namespace sbom {

// Entries per layer, and bytes of one copyright file we keep.
inline constexpr size_t kMaxLayerEntries = 2'000'000;
inline constexpr size_t kMaxCopyrightBytes = 1 << 20;

struct LayerFile {
  std::string path;  // absolute image path, "/usr/bin/x"
  int64_t size = 0;
  std::string sha256;  // hex
  std::string sha1;    // hex (SPDX requires it for files)
};

struct LayerContents {
  std::vector<LayerFile> files;  // in the layer's order (bytewise path order for stowage's)
  std::map<std::string, std::string> copyright;  // package name -> its copyright file
};

absl::StatusOr<LayerContents> ReadLayerContents(const std::string& blob_path);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_LAYER_CONTENTS_H_
