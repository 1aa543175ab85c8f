// DSSE envelopes (what cosign attestations are) around in-toto statements.
// The signature covers PAE(payloadType, payload) = "DSSEv1 <len> <type> <len> <payload>".
#ifndef STOWAGE_BUILDER_SIGN_DSSE_H_
#define STOWAGE_BUILDER_SIGN_DSSE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/sign/signing_key.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sign {

inline constexpr char kInTotoPayloadType[] = "application/vnd.in-toto+json";
inline constexpr char kInTotoStatementV1[] = "https://in-toto.io/Statement/v1";

std::string PreAuthEncoding(absl::string_view payload_type, absl::string_view payload);

// An in-toto v1 statement about one image manifest: subject name (the repository) and digest.
absl::StatusOr<std::string> MakeStatement(absl::string_view subject_name,
                                          absl::string_view subject_digest,
                                          absl::string_view predicate_type,
                                          const nlohmann::json& predicate);

// The envelope JSON with one signature by `key`.
absl::StatusOr<std::string> SignEnvelope(const SigningKey& key, absl::string_view payload_type,
                                         absl::string_view payload);

struct Statement {
  std::string predicate_type;
  std::vector<std::string> subject_digests;  // "sha256:..."
  nlohmann::json predicate;
};

// Checks an envelope from outside: its shape, at least one signature that verifies with
// `key` (PermissionDenied when none does), an in-toto payload type; returns the statement.
absl::StatusOr<Statement> OpenEnvelope(absl::string_view envelope, const PublicKey& key,
                                       absl::string_view where);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_DSSE_H_
