// The sigstore "simple signing" payload cosign signs for a container image, and its parser.
//   {"critical":{"identity":{"docker-reference":"REPO"},
//                "image":{"docker-manifest-digest":"sha256:..."},
//                "type":"cosign container image signature"},"optional":null}
// containers/image (skopeo, podman) and cosign check the digest against the manifest they
// fetched and the reference against the repository they fetched it from.
#ifndef STOWAGE_BUILDER_SIGN_SIMPLE_SIGNING_H_
#define STOWAGE_BUILDER_SIGN_SIMPLE_SIGNING_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace sign {

inline constexpr char kCosignSignatureType[] = "cosign container image signature";
// A payload we read from a registry may be this large (real ones are ~250 bytes).
inline constexpr size_t kMaxPayloadBytes = 64 << 10;

struct SimpleSigning {
  std::string docker_reference;  // repository, no tag ("host:port/name")
  std::string manifest_digest;   // "sha256:..."
};

// The payload bytes (compact JSON, keys in cosign's order, which is sorted order).
absl::StatusOr<std::string> SimpleSigningPayload(const SimpleSigning& claim);

// Parses a payload from outside: typed access, the type string checked, the digest validated.
absl::StatusOr<SimpleSigning> ParseSimpleSigningPayload(absl::string_view bytes,
                                                        absl::string_view where);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_SIMPLE_SIGNING_H_
