// What `stowage verify` and `stowage sign` read from a registry: signature payloads, cosign
// tag manifests, referrers indexes (API or tag schema) and DSSE envelopes. Input: one document.
// Properties: no crash; an index AddReferrer accepts re-parses and lists the added entry once.
#include <cstdint>
#include <string>

#include "builder/sign/cosign_layout.h"
#include "builder/sign/dsse.h"
#include "builder/sign/simple_signing.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// A public key nobody has the private half of any more: no envelope verifies, and the parse
// of the envelope's shape up to the signature check is what is fuzzed.
const char kPublicKey[] = R"(-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEWsvG+/xHhBrFE3hkL8JG9Vs/qKjG
A7w2BK1o9ErGgCKeJ1DTJnPwrWyT/e2ZUVP4HvDOr0hZtyiouhdAtbTy0g==
-----END PUBLIC KEY-----)";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  using namespace stowage::sign;
  std::string in(reinterpret_cast<const char*>(data), size);
  fuzz::Trace("payload", ParseSimpleSigningPayload(in, "fuzz").status());
  fuzz::Trace("layers", ParseManifestLayers(in, "fuzz").status());
  fuzz::Trace("referrers", ParseReferrers(in, "fuzz").status());
  static const PublicKey* key = [] {
    absl::StatusOr<PublicKey> k = ParsePublicKey(kPublicKey, "fuzz key");
    if (!k.ok()) fuzz::InvariantFailed("the fuzz key does not parse", "");
    return new PublicKey(std::move(*k));
  }();
  if (OpenEnvelope(in, *key, "fuzz").ok()) {
    fuzz::InvariantFailed("an envelope verified with a key nobody holds", in);
  }
  Descriptor entry{oci::kOciManifest,
                   "sha256:0000000000000000000000000000000000000000000000000000000000000001",
                   5,
                   kSignatureArtifactType,
                   {{"predicateType", "t"}}};
  absl::StatusOr<std::string> index = AddReferrer(in, "fuzz", entry);
  if (index.ok()) {
    absl::StatusOr<std::vector<Descriptor>> back = ParseReferrers(*index, "again");
    if (!back.ok()) fuzz::InvariantFailed("AddReferrer wrote an index it cannot read", in);
    int found = 0;
    for (const Descriptor& d : *back) found += d.digest == entry.digest ? 1 : 0;
    if (found != 1) fuzz::InvariantFailed("the added referrer is not listed exactly once", in);
  }
  return 0;
}
