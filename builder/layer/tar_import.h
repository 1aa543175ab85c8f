// A tar file someone else made (pkg_tar, a genrule, a download) as a layer: oci_image's `tars`.
//
// One streaming pass over the file: its bytes are hashed as they are read (the blob digest and
// size), decompressed by libarchive (which also detects the compression: gzip, zstd, xz, bzip2,
// lz4, ... or none), the decompressed bytes hashed (the diffId) and walked as a tar by a second
// libarchive reader (so a file that is not a tar archive is an error, not a broken image).
// The file itself stays the layer blob when its compression is kept; otherwise the tar is
// compressed again into a new blob in the same pass.
#ifndef STOWAGE_BUILDER_LAYER_TAR_IMPORT_H_
#define STOWAGE_BUILDER_LAYER_TAR_IMPORT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "builder/compress/compression.h"
#include "builder/layer/layer_builder.h"

namespace stowage {

struct TarImportOptions {
  std::string tar_path;
  // The compression the caller expects the file to have (from its name); a file that has
  // another one is an error saying so. Unset: anything goes.
  std::optional<Compression> expect;
  // Unset: the file is the blob (its compression must be gzip, zstd or none). Set: a new blob
  // is written to `output` with this compression (the input's bytes are copied as they are when
  // they already have it).
  std::optional<LayerOptions> recompress;
  std::string output;
  // Where the descriptor JSON goes (empty: not written); committed together with the new blob.
  std::string descriptor;
};

// Describes the layer (and writes the new blob and the descriptor, when asked: both or
// neither). On error nothing is left behind.
absl::StatusOr<LayerDescriptor> ImportTar(const TarImportOptions& options);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_LAYER_TAR_IMPORT_H_
