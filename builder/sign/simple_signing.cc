#include "builder/sign/simple_signing.h"

#include "absl/strings/str_cat.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sign {

absl::StatusOr<std::string> SimpleSigningPayload(const SimpleSigning& claim) {
  nlohmann::json j;
  j["critical"]["identity"]["docker-reference"] = claim.docker_reference;
  j["critical"]["image"]["docker-manifest-digest"] = claim.manifest_digest;
  j["critical"]["type"] = kCosignSignatureType;
  j["optional"] = nullptr;
  return CanonicalJson(j, "the signature payload");
}

absl::StatusOr<SimpleSigning> ParseSimpleSigningPayload(absl::string_view bytes,
                                                        absl::string_view where) {
  if (bytes.size() > kMaxPayloadBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("signature payload in ", where, " is over ", kMaxPayloadBytes, " bytes"));
  }
  ASSIGN_OR_RETURN(nlohmann::json j,
                   ParseJson(std::string(bytes), std::string(where), kMaxPayloadBytes));
  JsonView root(j, std::string(where));
  ASSIGN_OR_RETURN(JsonView critical, root.RequiredObject("critical"));
  ASSIGN_OR_RETURN(std::string type, critical.RequiredString("type", 256));
  if (type != kCosignSignatureType) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signature payload in ", where, ": critical.type is not \"", kCosignSignatureType, "\""));
  }
  ASSIGN_OR_RETURN(JsonView identity, critical.RequiredObject("identity"));
  ASSIGN_OR_RETURN(JsonView image, critical.RequiredObject("image"));
  SimpleSigning claim;
  ASSIGN_OR_RETURN(claim.docker_reference, identity.RequiredString("docker-reference", 4096));
  ASSIGN_OR_RETURN(claim.manifest_digest, image.RequiredString("docker-manifest-digest", 200));
  absl::Status valid = ValidateDigest(claim.manifest_digest);
  if (!valid.ok()) return image.Error(absl::StrCat("docker-manifest-digest: ", valid.message()));
  return claim;
}

}  // namespace sign
}  // namespace stowage
