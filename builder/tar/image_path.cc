#include "builder/tar/image_path.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace stowage {

bool IsValidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra;
    unsigned int code;
    unsigned int min;
    if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07, min = 0x10000;
    } else {
      return false;
    }
    if (i + extra >= n) return false;
    for (int k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      code = (code << 6) | (s[i + k] & 0x3F);
    }
    if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

absl::StatusOr<std::string> NormalizeImagePath(absl::string_view raw, absl::string_view what) {
  if (raw.find('\0') != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("image path of ", what, " contains a NUL byte"));
  }
  if (!IsValidUtf8(raw)) {
    return absl::InvalidArgumentError(absl::StrCat("image path of ", what, " is not valid UTF-8"));
  }
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(raw, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("image path \"", raw, "\" of ", what, " escapes the image root"));
      }
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string path = absl::StrJoin(parts, "/");
  if (path.size() > kMaxImagePathBytes) return ImagePathTooLong(path, what);
  return path;
}

absl::Status ImagePathTooLong(absl::string_view path, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("image path of ", what, " is ", path.size(), " bytes long, more than the ",
                   kMaxImagePathBytes, " an image path may have (", path.substr(0, 60), "...)"));
}

std::string JoinImagePath(absl::string_view dir, absl::string_view name) {
  if (dir.empty()) return std::string(name);
  if (name.empty()) return std::string(dir);
  return absl::StrCat(dir, "/", name);
}

}  // namespace stowage
