// WhiteNoise's precompression (whitenoise.compress.Compressor), with the same bytes: gzip as
// Python's gzip.GzipFile(filename="", compresslevel=9, mtime=0) writes it (zlib level 9, no
// name, no timestamp, OS byte 255), brotli as brotli.compress(data) (quality 11, lgwin 22,
// generic mode, one PROCESS then FINISH on the streaming encoder). A variant is kept only when
// it is at most 95% of the original; when brotli is not effective, gzip is not tried.
#ifndef STOWAGE_BUILDER_STATIC_COMPRESS_H_
#define STOWAGE_BUILDER_STATIC_COMPRESS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

// whitenoise.compress.Compressor.SKIP_COMPRESS_EXTENSIONS (WhiteNoise 6.0).
const std::vector<std::string>& DefaultSkipCompressExtensions();

// Compressor.should_compress: false when `name` ends with ".<ext>" for a listed extension
// (case-insensitive). An empty list skips nothing.
bool ShouldCompress(absl::string_view name, const std::vector<std::string>& skip_extensions);

// Compressor.is_compressed_effectively: compressed/original <= 0.95, never for empty files.
bool IsCompressedEffectively(size_t original_size, size_t compressed_size);

absl::StatusOr<std::string> GzipLikePython(absl::string_view data);
absl::StatusOr<std::string> BrotliLikePython(absl::string_view data);

struct CompressedVariants {
  std::optional<std::string> br;
  std::optional<std::string> gz;
};

// Compressor.compress on one file's contents.
absl::StatusOr<CompressedVariants> CompressLikeWhiteNoise(absl::string_view data, bool use_brotli,
                                                          bool use_gzip);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_COMPRESS_H_
