#include "builder/static/manifest.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "builder/static/py_compat.h"
#include "builder/static/storage.h"

namespace stowage {

std::string ManifestHash(const ManifestPaths& paths) {
  ManifestPaths sorted = paths;
  std::sort(sorted.begin(), sorted.end());  // UTF-8 byte order is code point order
  std::string text = "[";
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0) text += ", ";
    absl::StrAppend(&text, "[", py::JsonString(sorted[i].first), ", ",
                    py::JsonString(sorted[i].second), "]");
  }
  text += "]";
  return Md5Hex(text).substr(0, 12);
}

std::string ManifestJson(const ManifestPaths& paths, DjangoVersion version) {
  std::string out = "{\"paths\": {";
  for (size_t i = 0; i < paths.size(); ++i) {
    if (i > 0) out += ", ";
    absl::StrAppend(&out, py::JsonString(paths[i].first), ": ", py::JsonString(paths[i].second));
  }
  out += "}, \"version\": ";
  if (version == DjangoVersion::k3_2) {
    out += "\"1.0\"}";
  } else {
    absl::StrAppend(&out, "\"1.1\", \"hash\": \"", ManifestHash(paths), "\"}");
  }
  return out;
}

}  // namespace stowage
