// Validation of image references written into deploy manifests.
#ifndef STOWAGE_BUILDER_DEPLOY_IMAGE_REF_H_
#define STOWAGE_BUILDER_DEPLOY_IMAGE_REF_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stowage {

// `[host[:port]/]name` with the distribution-spec name grammar, no tag and no digest.
absl::Status ValidateRepository(const std::string& repository);

// A tag: [A-Za-z0-9_][A-Za-z0-9._-]{0,127}.
absl::Status ValidateTag(const std::string& tag);

// "sha256:" followed by 64 lower-case hex digits.
absl::Status ValidateSha256Digest(const std::string& digest);

// The `digest` of a manifest descriptor JSON file (ImageInfo.descriptor), validated.
absl::StatusOr<std::string> ReadDescriptorDigest(const std::string& path);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_IMAGE_REF_H_
