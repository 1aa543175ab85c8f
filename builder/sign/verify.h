// Checking an image's signatures and attestations against a public key, from both layouts
// (cosign tags and OCI 1.1 referrers). Everything the registry sends is hostile: sizes are
// capped before anything is fetched, JSON is read through typed accessors, and only what a
// signature covers is believed.
#ifndef STOWAGE_BUILDER_SIGN_VERIFY_H_
#define STOWAGE_BUILDER_SIGN_VERIFY_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/registry/client.h"
#include "builder/registry/url.h"
#include "builder/sign/cosign_layout.h"
#include "builder/sign/signing_key.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sign {

struct VerifiedAttestation {
  std::string predicate_type;
  std::string where;  // "tag sha256-….att" or "referrer sha256:…"
  nlohmann::json predicate;
};

struct VerifyReport {
  Descriptor subject;
  int signatures_in_tag = 0;          // valid ones at sha256-<hex>.sig
  int signatures_in_referrers = 0;    // valid ones among the referrers
  int invalid = 0;                    // present but not valid for this key and image
  std::vector<std::string> problems;  // one line each, for the invalid ones
  std::vector<VerifiedAttestation> attestations;
};

// Reads every signature and attestation of `subject` and checks each one. Not finding a valid
// signature is not an error here (the report says so); the registry failing or lying beyond
// a single entry is.
absl::StatusOr<VerifyReport> VerifyImage(registry::RegistryClient& client,
                                         const registry::RepositoryRef& repo,
                                         const Descriptor& subject, const PublicKey& key);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_VERIFY_H_
