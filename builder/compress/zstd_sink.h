// zstd compression (libzstd) that gives the same bytes at any thread count.
//
// libzstd's multi-threaded mode cuts the input into jobs whose size depends only on the
// compression parameters, so with nbWorkers >= 1 the frame is identical for 1, 2 or 8 workers;
// single-threaded mode (nbWorkers = 0) would produce different bytes, so it is never used.
// Workers are capped (kMaxZstdWorkers) to keep memory bounded.
#ifndef STOWAGE_BUILDER_COMPRESS_ZSTD_SINK_H_
#define STOWAGE_BUILDER_COMPRESS_ZSTD_SINK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "builder/compress/byte_sink.h"

namespace stowage {

constexpr int kMaxZstdWorkers = 8;

// Finish() ends the frame and then calls next->Finish().
absl::StatusOr<std::unique_ptr<ByteSink>> NewZstdSink(ByteSink* next, int level, int threads);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMPRESS_ZSTD_SINK_H_
