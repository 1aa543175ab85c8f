// Builds one layer blob and its descriptor in a single streaming pass:
// entries -> tar -> sha256 (diffId) -> compressor -> sha256 (digest) -> temp file -> rename.
#ifndef STOWAGE_BUILDER_LAYER_LAYER_BUILDER_H_
#define STOWAGE_BUILDER_LAYER_LAYER_BUILDER_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "builder/compress/compression.h"
#include "builder/tar/layer_spec.h"
#include "nlohmann/json.hpp"

namespace stowage {

struct LayerOptions {
  Compression compression = Compression::kGzip;
  int level = 6;
  int threads = 1;  // compressing threads; output bytes never depend on it
};

struct LayerDescriptor {
  Compression compression = Compression::kGzip;
  std::string diff_id;  // sha256 of the uncompressed tar
  std::string digest;   // sha256 of the blob
  int64_t entries = 0;
  int64_t size = 0;
  int64_t uncompressed_size = 0;

  // The descriptor JSON of docs/formats.md.
  nlohmann::json ToJson() const;
};

// Resolves the options: command-line values (when set) win over the spec's, which win over
// the defaults (gzip, its default level, every core).
absl::StatusOr<LayerOptions> ResolveLayerOptions(const LayerSpec& spec,
                                                 const std::string& flag_compression,
                                                 const std::string& flag_level,
                                                 const std::string& flag_threads);

// Writes the blob to `blob_path` and the descriptor JSON to `descriptor_path` (skipped when
// empty). On any error neither file is left behind.
absl::StatusOr<LayerDescriptor> BuildLayer(const LayerSpec& spec, const LayerOptions& options,
                                           const std::string& blob_path,
                                           const std::string& descriptor_path);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_LAYER_LAYER_BUILDER_H_
