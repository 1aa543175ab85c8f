// WhiteNoise's precompression (whitenoise.compress.Compressor): brotli with the same bytes as
// brotli.compress(data) (quality 11, lgwin 22, generic mode, one PROCESS then FINISH on the
// streaming encoder); gzip with the same keep-or-drop decisions as Python's
// gzip.GzipFile(filename="", compresslevel=9, mtime=0) (zlib level 9), but written by libdeflate
// where that cannot change the decision (see GzipForWhiteNoise). A variant is kept only when it
// is at most 95% of the original; when brotli is not effective, gzip is not tried.
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

// Python's gzip.compress(data, 9, mtime=0) byte for byte (zlib level 9, no name, OS byte 255).
absl::StatusOr<std::string> GzipLikePython(absl::string_view data);

// The gzip variant stowage writes. Files of at least kFastGzipMinSize bytes are compressed by
// libdeflate (level kFastGzipLevel, deterministic, MTIME 0, no name); when that result is
// within kFastGzipMargin of WhiteNoise's 95% threshold, or the file is smaller, zlib level 9
// (GzipLikePython) is used instead, so the decision is taken on zlib's size exactly as
// WhiteNoise takes it. On 10,399 JS/CSS/Python/text files, zlib 9 and libdeflate 5 differed by
// at most 2.7% of the original size for files of 4 KiB or more, well inside the margin;
// tests/static/compress_test.cc checks the decisions agree on a corpus.
constexpr int kFastGzipLevel = 5;
constexpr size_t kFastGzipMinSize = 4096;
constexpr double kFastGzipMargin = 0.08;
absl::StatusOr<std::string> GzipForWhiteNoise(absl::string_view data);
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
