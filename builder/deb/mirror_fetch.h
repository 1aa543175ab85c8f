// Downloads from a Debian mirror: whole small files (Release files, Packages indexes) into
// memory, through the tool's one HTTP layer (builder/net: checked redirects, connect and stall
// timeouts, escaped server text), every size capped, a few retries on transient failures.
// Plain HTTP is allowed to any host: Debian mirrors serve http://, and what they serve is
// trusted only after the signature and SHA-256 checks (archive_reader.h), never before. No
// credential is ever sent. file: URLs (local archives) are read directly.
#ifndef STOWAGE_BUILDER_DEB_MIRROR_FETCH_H_
#define STOWAGE_BUILDER_DEB_MIRROR_FETCH_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace stowage {

namespace net {
class HttpTransport;
}

struct FetchOptions {
  absl::Duration timeout = absl::Seconds(300);  // per attempt, whole transfer
  int attempts = 3;
};

class MirrorFetcher {
 public:
  explicit MirrorFetcher(FetchOptions options = {});
  ~MirrorFetcher();
  MirrorFetcher(const MirrorFetcher&) = delete;
  MirrorFetcher& operator=(const MirrorFetcher&) = delete;

  // GETs `url` (http://, https:// or file:/). More than `max_bytes` is an error. A 404 or 410
  // (or a missing file) is NotFound; other failures are Unavailable; both name the URL.
  absl::StatusOr<std::string> Fetch(const std::string& url, int64_t max_bytes);

 private:
  absl::StatusOr<std::string> FetchOnce(const std::string& url, int64_t max_bytes, bool* retry);

  FetchOptions options_;
  std::unique_ptr<net::HttpTransport> transport_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_MIRROR_FETCH_H_
