// Multi-threaded gzip with output independent of the thread count.
//
// The input is cut into fixed-size blocks (kGzipBlockSize, never derived from the thread count);
// each block is compressed by libdeflate into its own complete gzip member, in parallel, and the
// members are written in input order. A gzip file may hold several members (RFC 1952 2.2); GNU
// gzip, Go's compress/gzip (what containerd, umoci and skopeo use), libarchive, zlib's gzread and
// Python's gzip all read them as one stream. This is the BGZF scheme, minus its extra field.
// Each member header has MTIME 0, no name, and OS 255 ("unknown"), as libdeflate writes it.
//
// Memory is bounded: at most kMaxBlocksInFlight input+output block pairs exist at once.
#ifndef STOWAGE_BUILDER_COMPRESS_PARALLEL_GZIP_H_
#define STOWAGE_BUILDER_COMPRESS_PARALLEL_GZIP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "builder/compress/byte_sink.h"

namespace stowage {

constexpr size_t kGzipBlockSize = 1 << 20;

// `level` is libdeflate's (0-12); `threads` >= 1 compressing threads. Finish() flushes the last
// members and then calls next->Finish().
absl::StatusOr<std::unique_ptr<ByteSink>> NewParallelGzipSink(ByteSink* next, int level,
                                                              int threads);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMPRESS_PARALLEL_GZIP_H_
