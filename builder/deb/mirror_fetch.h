// Downloads from a Debian mirror with libcurl: whole small files into memory, every size
// capped, connect and stall timeouts, a few retries on transient failures. Redirects are
// followed to http(s) only. (To move onto the tool's shared HTTP layer once there is one.)
#ifndef STOWAGE_BUILDER_DEB_MIRROR_FETCH_H_
#define STOWAGE_BUILDER_DEB_MIRROR_FETCH_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace stowage {

struct FetchOptions {
  long timeout_seconds = 300;  // per attempt, whole transfer
  int attempts = 3;
};

// GETs `url` (http://, https:// or file:/) into memory. More than `max_bytes` is an error.
// A 404 or 410 (or a missing file:) is NotFound; other failures are Unavailable; both name
// the URL and what went wrong.
absl::StatusOr<std::string> FetchUrl(const std::string& url, int64_t max_bytes,
                                     const FetchOptions& options = {});

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_MIRROR_FETCH_H_
