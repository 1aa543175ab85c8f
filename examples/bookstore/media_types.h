// Content types for static files, by file name then extension (WhiteNoise's table, which is
// nginx's, plus source maps, web manifests and modern font types).
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_MEDIA_TYPES_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_MEDIA_TYPES_H_

#include <string>

#include "absl/strings/string_view.h"

namespace bookstore {

// The media type for a path ("application/octet-stream" when unknown).
absl::string_view MediaTypeFor(absl::string_view path);

// The Content-Type header value: text/* types get "; charset=utf-8", as WhiteNoise does.
std::string ContentTypeFor(absl::string_view path);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_MEDIA_TYPES_H_
