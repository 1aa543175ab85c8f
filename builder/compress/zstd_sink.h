// zstd compression (libzstd) that gives the same bytes at any thread count.
//
// libzstd's multi-threaded mode cuts the input into jobs whose size depends only on the
// compression parameters, so with nbWorkers >= 1 the frame is identical for 1, 2 or 8 workers;
// single-threaded mode (nbWorkers = 0) would produce different bytes, so it is never used.
// Memory: libzstd keeps about 2 x workers + 3 job buffers. Its default job for level 3 is
// 8 MiB, which took peak RSS to 246 MB with 8 workers on bench/layer.sh's tree; fixed 2 MiB
// jobs keep it at 111 MB (78 MB with 2 workers) for 1.3% larger output. Workers are capped
// (kMaxZstdWorkers) as well. The job size is part of the output format: changing it changes
// every zstd layer's digest.
#ifndef STOWAGE_BUILDER_COMPRESS_ZSTD_SINK_H_
#define STOWAGE_BUILDER_COMPRESS_ZSTD_SINK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "builder/compress/byte_sink.h"

namespace stowage {

constexpr int kMaxZstdWorkers = 8;
constexpr int kZstdJobSize = 2 << 20;

// Finish() ends the frame and then calls next->Finish().
absl::StatusOr<std::unique_ptr<ByteSink>> NewZstdSink(ByteSink* next, int level, int threads);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMPRESS_ZSTD_SINK_H_
