#include "builder/common/capped_read.h"

#include "builder/common/files.h"

namespace stowage {

absl::StatusOr<std::string> ReadFileCapped(const std::string& path, int64_t max_bytes) {
  return ReadFile(path, max_bytes, PipePolicy::kAllow);
}

}  // namespace stowage
