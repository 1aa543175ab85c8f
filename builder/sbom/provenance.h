// An SLSA v1 provenance predicate (https://slsa.dev/provenance/v1) for an image, from what
// the build knows: the Bazel target, the source commit (STABLE_GIT_COMMIT from a stamped
// build's workspace status), the lockfiles by digest, the base image by digest. The subject
// (the pushed manifest digest) is the in-toto statement's, added when it is attached. No clock,
// no random id: the same inputs give the same bytes.
//   spec: {"target": LABEL, "manifest": F, "builderId": URI, "base": {"target", "descriptor"},
//          "lockfiles": [{"name": LABEL, "path": F}], "status": [F...]}
#ifndef STOWAGE_BUILDER_SBOM_PROVENANCE_H_
#define STOWAGE_BUILDER_SBOM_PROVENANCE_H_

#include <string>

#include "absl/status/statusor.h"

namespace stowage {
namespace sbom {

inline constexpr char kSlsaBuildType[] = "urn:stowage:oci_image:v1";

absl::StatusOr<std::string> ProvenanceFromSpec(const std::string& spec_path);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_PROVENANCE_H_
