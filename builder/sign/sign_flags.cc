#include "builder/sign/sign_flags.h"

#include <cstdio>

#include "absl/strings/str_cat.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/sign/attach.h"
#include "builder/sign/signing_key.h"

namespace stowage {
namespace sign {
namespace {

// An attestation predicate from a file may be this large (an SBOM of a big image).
constexpr int64_t kMaxPredicateBytes = 32 << 20;

void PrintResult(const char* what, const AttachResult& r) {
  if (r.already) {
    std::printf("%s: already there (%s, this key)\n", what, r.cosign_tag.c_str());
  } else {
    std::printf("%s: pushed tag %s and referrer %s%s\n", what, r.cosign_tag.c_str(),
                r.referrer_digest.c_str(),
                r.referrers_api ? " (registry referrers API)" : " (referrers tag schema)");
  }
}

}  // namespace

std::vector<FlagDef> SignFlags() {
  return {
      PathFlag("key", "FILE", "sign with this ECDSA P-256 private key (PEM)"),
      ValueFlag("key-env", "VAR", "sign with the PEM private key held in $VAR"),
      ValueFlag("key-passphrase-env", "VAR", "the key is encrypted; its passphrase is in $VAR"),
      ValueFlag("attest", "TYPE=FILE",
                "attach FILE (JSON) as a signed in-toto predicate of TYPE (a URI or "
                "slsaprovenance1, cyclonedx, spdxjson; repeated)"),
  };
}

absl::StatusOr<std::string> PredicateTypeUri(const std::string& name) {
  if (name == "slsaprovenance1" || name == "slsaprovenance")
    return std::string("https://slsa.dev/provenance/v1");
  if (name == "cyclonedx") return std::string("https://cyclonedx.org/bom");
  if (name == "spdxjson" || name == "spdx") return std::string("https://spdx.dev/Document");
  if (name.find("://") != std::string::npos && name.size() <= 1024) return name;
  return absl::InvalidArgumentError(
      absl::StrCat("predicate type \"", name.substr(0, 100),
                   "\" is neither a URI nor one of slsaprovenance1, cyclonedx, spdxjson"));
}

bool WantsSigning(const Flags& flags) { return flags.Has("key") || flags.Has("key-env"); }

absl::StatusOr<SigningPlan> PrepareSigning(const Flags& flags) {
  KeySource source;
  source.file = flags.Get("key");
  source.env = flags.Get("key-env");
  source.passphrase_env = flags.Get("key-passphrase-env");
  if (!source.file.empty() && !source.env.empty()) {
    return absl::InvalidArgumentError("give --key or --key-env, not both");
  }
  if (source.file.empty() && source.env.empty()) {
    return absl::InvalidArgumentError("signing needs --key FILE or --key-env VAR");
  }
  std::vector<Attestation> attestations;
  for (const std::string& a : flags.GetAll("attest")) {
    size_t eq = a.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == a.size()) {
      return absl::InvalidArgumentError("--attest wants TYPE=FILE");
    }
    Attestation att;
    ASSIGN_OR_RETURN(att.type, PredicateTypeUri(a.substr(0, eq)));
    ASSIGN_OR_RETURN(att.predicate,
                     ReadJsonFile(ResolveUserPath(a.substr(eq + 1)), kMaxPredicateBytes));
    attestations.push_back(std::move(att));
  }
  ASSIGN_OR_RETURN(SigningKey key, LoadSigningKey(source));
  return SigningPlan{std::move(key), std::move(attestations)};
}

absl::Status RunSigning(const SigningPlan& plan, registry::RegistryClient& client,
                        const registry::RepositoryRef& repo, const Descriptor& subject) {
  ASSIGN_OR_RETURN(AttachResult sig, AttachSignature(client, repo, subject, plan.key));
  PrintResult("signature", sig);
  for (const Attestation& att : plan.attestations) {
    ASSIGN_OR_RETURN(AttachResult r,
                     AttachAttestation(client, repo, subject, plan.key, att.type, att.predicate));
    PrintResult(absl::StrCat("attestation ", att.type).c_str(), r);
  }
  std::fflush(stdout);
  return absl::OkStatus();
}

}  // namespace sign
}  // namespace stowage
