// Image paths: the names files get inside a layer ("app/bin/server"), and the checks that keep
// a layer from writing outside its root or carrying names other tools cannot read.
#ifndef STOWAGE_BUILDER_TAR_IMAGE_PATH_H_
#define STOWAGE_BUILDER_TAR_IMAGE_PATH_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/common/limits.h"

namespace stowage {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, <= U+10FFFF).
bool IsValidUtf8(absl::string_view text);

using limits::kMaxImagePathBytes;

// Normalizes an image path: a leading "/" is dropped (image paths are relative to the image
// root), empty and "." components vanish, ".." removes the previous component. Returns
// "" for the root itself. Errors: ".." that climbs above the root, NUL bytes, invalid UTF-8, a
// result longer than kMaxImagePathBytes.
// `what` names the path's origin in error messages.
absl::StatusOr<std::string> NormalizeImagePath(absl::string_view raw, absl::string_view what);

// The error for a path longer than kMaxImagePathBytes (it quotes only the path's start).
absl::Status ImagePathTooLong(absl::string_view path, absl::string_view what);

// Joins a normalized directory ("" for the root) and a relative name.
std::string JoinImagePath(absl::string_view dir, absl::string_view name);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_TAR_IMAGE_PATH_H_
