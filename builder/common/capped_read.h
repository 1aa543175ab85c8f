// Whole-file reads with a cap, for files whose size someone else controls (manifests, configs,
// specs, descriptors): a file over the cap is an error, never a partial read or a runaway
// allocation. Regular files and pipes (a path given on the command line may be `<(...)`) are
// read; a device such as /dev/zero is refused, and a FIFO nobody writes to reads as empty
// instead of blocking (builder/common/files.h, ReadFile with PipePolicy::kAllow).
#ifndef STOWAGE_BUILDER_COMMON_CAPPED_READ_H_
#define STOWAGE_BUILDER_COMMON_CAPPED_READ_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace stowage {

// The contents of `path`; ResourceExhausted when it holds more than `max_bytes`. Other
// errors name the path and the OS reason (NotFound for a missing file).
absl::StatusOr<std::string> ReadFileCapped(const std::string& path, int64_t max_bytes);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_CAPPED_READ_H_
