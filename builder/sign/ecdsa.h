// ECDSA with SHA-256 over bytes (what cosign signs and checks): ASN.1 DER signatures.
#ifndef STOWAGE_BUILDER_SIGN_ECDSA_H_
#define STOWAGE_BUILDER_SIGN_ECDSA_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/sign/signing_key.h"

namespace stowage {
namespace sign {

// The DER signature of `data` (random nonce: two signatures of the same data differ).
absl::StatusOr<std::string> SignBytes(const SigningKey& key, absl::string_view data);
// OK when `signature` (DER) is a valid signature of `data` by `key`; PermissionDenied otherwise.
absl::Status VerifyBytes(const PublicKey& key, absl::string_view data, absl::string_view signature);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_ECDSA_H_
