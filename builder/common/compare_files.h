// Whether two files hold the same bytes, read side by side in small blocks: two large inputs
// that land on the same path are compared without either being held in memory.
#ifndef STOWAGE_BUILDER_COMMON_COMPARE_FILES_H_
#define STOWAGE_BUILDER_COMMON_COMPARE_FILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace stowage {

// True when `a` and `b` (regular files, symlinks followed) have the same contents; the same
// file under two names answers at once. Reading stops at the first difference. Memory is two
// fixed buffers whatever the sizes; a FIFO or device is an error (builder/common/files.h).
absl::StatusOr<bool> SameFileContents(const std::string& a, const std::string& b);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_COMPARE_FILES_H_
