// A pipeline stage that runs everything downstream on its own thread, so reading source files
// and writing tar headers overlaps hashing and compressing. Data is handed over in fixed-size
// chunks through a bounded queue (memory stays at kAsyncChunks * kAsyncChunkSize). Downstream
// always sees kAsyncChunkSize writes (the last one shorter), whatever the upstream write sizes.
#ifndef STOWAGE_BUILDER_COMPRESS_ASYNC_SINK_H_
#define STOWAGE_BUILDER_COMPRESS_ASYNC_SINK_H_

#include <memory>

#include "absl/status/statusor.h"
#include "builder/compress/byte_sink.h"

namespace stowage {

constexpr size_t kAsyncChunkSize = 1 << 20;
constexpr size_t kAsyncChunks = 8;

// Finish() waits for the downstream thread, then calls next->Finish() on the caller's thread.
// A downstream error is returned by the next Write() or by Finish().
// An error value when the system refuses the thread.
absl::StatusOr<std::unique_ptr<ByteSink>> NewAsyncSink(ByteSink* next);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMPRESS_ASYNC_SINK_H_
