// Compression choices for a layer: names, media types, default levels, and the sink factory.
#ifndef STOWAGE_BUILDER_COMPRESS_COMPRESSION_H_
#define STOWAGE_BUILDER_COMPRESS_COMPRESSION_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "builder/compress/byte_sink.h"

namespace stowage {

enum class Compression { kNone, kGzip, kZstd };

absl::StatusOr<Compression> ParseCompression(const std::string& name);
std::string CompressionName(Compression c);
// The OCI layer media type for this compression.
std::string LayerMediaType(Compression c);
// Default levels: gzip 2 (libdeflate: 1.9% larger than `gzip -6` on bench/layer.sh's tree,
// well inside the 5% bound, and the level that keeps stowage 3x faster than the best one-pass
// `tar | tee >(sha256sum) | pigz -p2 | sha256sum` pipeline on two cores; level 3 was 1.1% larger
// and only 2.7x faster), zstd 3.
// See docs/layer.md for the measurements.
int DefaultLevel(Compression c);

// Fails unless `level` is one `c` takes: gzip 0-12 (libdeflate), zstd 1-22, none only 0.
// Checked before any output exists, so a bad level never leaves a file behind.
absl::Status ValidateLevel(Compression c, int level);

// A sink that compresses into `next`; for kNone, a pass-through. Output bytes depend only on
// the input, the compression and the level, never on `threads`.
absl::StatusOr<std::unique_ptr<ByteSink>> NewCompressingSink(Compression c, int level, int threads,
                                                             ByteSink* next);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMPRESS_COMPRESSION_H_
