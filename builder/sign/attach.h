// Signing an image in a registry and attaching attestations to it, in both layouts: cosign's
// tags (`sha256-<hex>.sig` / `.att`) and OCI 1.1 referrers (the referrers tag schema where the
// registry has no referrers API).
#ifndef STOWAGE_BUILDER_SIGN_ATTACH_H_
#define STOWAGE_BUILDER_SIGN_ATTACH_H_

#include <string>

#include "absl/status/statusor.h"
#include "builder/registry/client.h"
#include "builder/registry/url.h"
#include "builder/sign/cosign_layout.h"
#include "builder/sign/signing_key.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sign {

// The manifest a reference (tag or digest) names: media type, digest, size.
absl::StatusOr<Descriptor> ResolveSubject(registry::RegistryClient& client,
                                          const registry::RepositoryRef& repo,
                                          const std::string& reference);

struct AttachResult {
  bool already = false;         // a valid one by this key was there: nothing was pushed
  std::string cosign_tag;       // sha256-<hex>.sig or .att
  std::string referrer_digest;  // the OCI 1.1 referrer manifest
  bool referrers_api = false;   // the registry indexes referrers itself (no tag schema index)
};

// Signs `subject` (docker-reference = the repository): appends the signature to the `.sig`
// manifest (keeping other signers' signatures) and pushes a referrer. Idempotent: when a
// signature by this key of the same payload is there, nothing is pushed.
absl::StatusOr<AttachResult> AttachSignature(registry::RegistryClient& client,
                                             const registry::RepositoryRef& repo,
                                             const Descriptor& subject, const SigningKey& key);

// Attaches a signed in-toto statement about `subject` with `predicate`. An earlier
// attestation of the same predicate type in the `.att` manifest is replaced (cosign attest
// --replace); when an identical statement signed by this key is there, nothing is pushed.
absl::StatusOr<AttachResult> AttachAttestation(registry::RegistryClient& client,
                                               const registry::RepositoryRef& repo,
                                               const Descriptor& subject, const SigningKey& key,
                                               const std::string& predicate_type,
                                               const nlohmann::json& predicate);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_ATTACH_H_
