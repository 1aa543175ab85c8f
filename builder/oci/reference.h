// Grammars for image names: the OCI layout tag annotation and Docker-style `name:tag`.
#ifndef STOWAGE_BUILDER_OCI_REFERENCE_H_
#define STOWAGE_BUILDER_OCI_REFERENCE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace oci {

// Checks the `org.opencontainers.image.ref.name` grammar (image-spec annotations.md):
//   ref ::= component ("/" component)*; component ::= alphanum (separator alphanum)*
//   alphanum ::= [A-Za-z0-9]+; separator ::= [-._:@+] | "--"
absl::Status ValidateRefName(absl::string_view ref);

// A Docker reference with a tag, as `docker load` wants in RepoTags.
struct RepoTag {
  std::string repository;  // [host[:port]/]path, e.g. "localhost:5000/team/app"
  std::string tag;         // e.g. "latest"
  std::string ToString() const { return repository + ":" + tag; }
};

// Parses `[host[:port]/]path[:tag]` (distribution-spec name and tag grammars); a missing tag
// means "latest". Digest references (`@sha256:...`) are rejected: a tag is needed.
absl::StatusOr<RepoTag> ParseRepoTag(absl::string_view reference);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_REFERENCE_H_
