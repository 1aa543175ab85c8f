// Pushing one blob: HEAD (skip what exists), cross-repository mount, then a monolithic PUT for
// small blobs or chunked PATCHes for large ones, resuming from the registry's Range after a
// dropped connection and starting over when the session is lost.
#ifndef STOWAGE_BUILDER_REGISTRY_BLOB_UPLOAD_H_
#define STOWAGE_BUILDER_REGISTRY_BLOB_UPLOAD_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "builder/registry/client.h"

namespace stowage {
namespace registry {

struct UploadOptions {
  int64_t chunk_threshold = 64ll << 20;  // blobs larger than this go up in chunks
  int64_t chunk_size = 32ll << 20;
};

struct LocalBlob {
  std::string digest;
  int64_t size = 0;
  std::string path;
  std::string kind;        // "config", "layer", "manifest"... (for messages)
  std::string mount_from;  // repository name on the same registry to mount from, or ""
};

enum class BlobOutcome { kExisted, kMounted, kUploaded };

struct BlobResult {
  BlobOutcome outcome = BlobOutcome::kExisted;
  int64_t bytes_sent = 0;  // request body bytes of successful PUT/PATCH requests
};

// Checks that the file has the descriptor's size and sha256: a wrong blob is an error, never
// an upload.
absl::Status VerifyLocalBlob(const LocalBlob& blob);

// Makes `blob` present in repository `name`. `scopes` are the token scopes for the request
// (push on `name`, plus pull on blob.mount_from when set).
absl::StatusOr<BlobResult> PushBlob(RegistryClient& client, const std::string& name,
                                    const LocalBlob& blob, const std::vector<std::string>& scopes,
                                    const UploadOptions& options,
                                    const std::function<void(int64_t)>& on_progress);

// Parses a Range header "0-<end>" (the registry's view of an upload) into the next offset
// (end + 1); "bytes=0-<end>" is accepted too. nullopt when absent or malformed.
std::optional<int64_t> NextOffsetFromRange(const std::string& range);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_BLOB_UPLOAD_H_
