// The signing flags `stowage sign` and `stowage push` share, and what they do: sign an image
// that is in the registry and attach attestations to it.
#ifndef STOWAGE_BUILDER_SIGN_SIGN_FLAGS_H_
#define STOWAGE_BUILDER_SIGN_SIGN_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/cli/flags.h"
#include "builder/registry/client.h"
#include "builder/registry/url.h"
#include "builder/sign/cosign_layout.h"
#include "builder/sign/signing_key.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sign {

// --key, --key-env, --key-passphrase-env, --attest.
std::vector<FlagDef> SignFlags();

// cosign's short names for predicate types ("slsaprovenance1", "cyclonedx", "spdxjson") and
// full URIs: the URI.
absl::StatusOr<std::string> PredicateTypeUri(const std::string& name);

// True when the flags ask for a signature (a key is given).
bool WantsSigning(const Flags& flags);

struct Attestation {
  std::string type;  // predicate type URI
  nlohmann::json predicate;
};

// What the flags ask for, read and checked before anything is pushed: the key (read at run
// time, so never an action input or a cached output) and each --attest TYPE=FILE.
struct SigningPlan {
  SigningKey key;
  std::vector<Attestation> attestations;
};
absl::StatusOr<SigningPlan> PrepareSigning(const Flags& flags);

// Signs `subject` and attaches the attestations. Prints one line per result on stdout.
absl::Status RunSigning(const SigningPlan& plan, registry::RegistryClient& client,
                        const registry::RepositoryRef& repo, const Descriptor& subject);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_SIGN_FLAGS_H_
