#include "builder/sign/dsse.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/sign/cosign_layout.h"
#include "builder/sign/ecdsa.h"

namespace stowage {
namespace sign {
namespace {

constexpr size_t kMaxEnvelopeSignatures = 16;
constexpr size_t kMaxSubjects = 1000;

}  // namespace

std::string PreAuthEncoding(absl::string_view payload_type, absl::string_view payload) {
  return absl::StrCat("DSSEv1 ", payload_type.size(), " ", payload_type, " ", payload.size(), " ",
                      payload);
}

absl::StatusOr<std::string> MakeStatement(absl::string_view subject_name,
                                          absl::string_view subject_digest,
                                          absl::string_view predicate_type,
                                          const nlohmann::json& predicate) {
  RETURN_IF_ERROR(ValidateDigest(subject_digest));
  nlohmann::json statement = {
      {"_type", kInTotoStatementV1},
      {"subject",
       nlohmann::json::array({{{"name", std::string(subject_name)},
                               {"digest", {{"sha256", std::string(DigestHex(subject_digest))}}}}})},
      {"predicateType", std::string(predicate_type)},
      {"predicate", predicate},
  };
  return CanonicalJson(statement, "an in-toto statement");
}

absl::StatusOr<std::string> SignEnvelope(const SigningKey& key, absl::string_view payload_type,
                                         absl::string_view payload) {
  ASSIGN_OR_RETURN(std::string sig, SignBytes(key, PreAuthEncoding(payload_type, payload)));
  nlohmann::json envelope = {
      {"payloadType", std::string(payload_type)},
      {"payload", absl::Base64Escape(payload)},
      {"signatures", nlohmann::json::array({{{"keyid", ""}, {"sig", absl::Base64Escape(sig)}}})},
  };
  return CanonicalJson(envelope, "a DSSE envelope");
}

absl::StatusOr<Statement> OpenEnvelope(absl::string_view envelope, const PublicKey& key,
                                       absl::string_view where) {
  ASSIGN_OR_RETURN(nlohmann::json j,
                   ParseJson(std::string(envelope), std::string(where), kMaxEnvelopeBytes));
  JsonView root(j, std::string(where));
  RETURN_IF_ERROR(root.ExpectObject());
  ASSIGN_OR_RETURN(std::string payload_type, root.RequiredString("payloadType", 256));
  ASSIGN_OR_RETURN(std::string payload_b64, root.RequiredString("payload", kMaxEnvelopeBytes));
  std::string payload;
  if (!absl::Base64Unescape(payload_b64, &payload)) {
    return root.Error("payload: not base64");
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> sigs,
                   root.RequiredArray("signatures", kMaxEnvelopeSignatures));
  std::string pae = PreAuthEncoding(payload_type, payload);
  bool verified = false;
  for (const JsonView& s : sigs) {
    ASSIGN_OR_RETURN(std::string sig_b64, s.RequiredString("sig", 1024));
    std::string sig;
    if (!absl::Base64Unescape(sig_b64, &sig)) return s.Error("sig: not base64");
    if (VerifyBytes(key, pae, sig).ok()) {
      verified = true;
      break;
    }
  }
  if (!verified) {
    return absl::PermissionDeniedError(
        absl::StrCat("no signature of the envelope in ", where, " verifies with the key"));
  }
  // Only what the signature covers is read from here on.
  if (payload_type != kInTotoPayloadType) {
    return root.Error(absl::StrCat("payloadType: not ", kInTotoPayloadType));
  }
  std::string statement_where = absl::StrCat("the statement in ", where);
  ASSIGN_OR_RETURN(nlohmann::json st, ParseJson(payload, statement_where, kMaxEnvelopeBytes));
  JsonView sv(st, statement_where);
  RETURN_IF_ERROR(sv.ExpectObject());
  ASSIGN_OR_RETURN(std::string type, sv.RequiredString("_type", 256));
  if (type != kInTotoStatementV1 && type != "https://in-toto.io/Statement/v0.1") {
    return sv.Error("_type: not an in-toto statement");
  }
  Statement out;
  ASSIGN_OR_RETURN(out.predicate_type, sv.RequiredString("predicateType", 1024));
  ASSIGN_OR_RETURN(std::vector<JsonView> subjects, sv.RequiredArray("subject", kMaxSubjects));
  for (const JsonView& subject : subjects) {
    ASSIGN_OR_RETURN(JsonView digest, subject.RequiredObject("digest"));
    ASSIGN_OR_RETURN(std::string hex, digest.OptionalString("sha256", "", 64));
    if (hex.empty()) continue;
    std::string d = absl::StrCat("sha256:", hex);
    if (!ValidateDigest(d).ok()) return digest.Error("sha256: not a sha256 hex digest");
    out.subject_digests.push_back(d);
  }
  ASSIGN_OR_RETURN(JsonView predicate, sv.Get("predicate"));
  out.predicate = predicate.json();
  return out;
}

}  // namespace sign
}  // namespace stowage
