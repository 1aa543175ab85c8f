#include "builder/sign/image_flags.h"

#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/registry/credentials.h"

namespace stowage {
namespace sign {

std::vector<FlagDef> ImageFlags() {
  return {
      ValueFlag("repository", "HOST[:PORT]/NAME", "the image's repository (required)"),
      ValueFlag("digest", "sha256:HEX", "the image's manifest digest"),
      ValueFlag("tag", "TAG", "or a tag, resolved once to its digest"),
  };
}

absl::StatusOr<ImageTarget> ImageTargetFromFlags(const Flags& flags) {
  ImageTarget t;
  ASSIGN_OR_RETURN(std::string repository, flags.Require("repository"));
  ASSIGN_OR_RETURN(t.repository, registry::ParseRepository(repository, &t.scheme));
  if (flags.Has("digest") == flags.Has("tag")) {
    return absl::InvalidArgumentError("give --digest or --tag (one of them)");
  }
  if (flags.Has("digest")) {
    t.reference = flags.Get("digest");
    RETURN_IF_ERROR(ValidateDigest(t.reference));
  } else {
    t.reference = flags.Get("tag");
    RETURN_IF_ERROR(registry::ValidateTag(t.reference));
  }
  return t;
}

absl::StatusOr<std::unique_ptr<registry::RegistryClient>> ClientFor(
    const registry::RepositoryRef& repository, const registry::ClientOptions& options) {
  ASSIGN_OR_RETURN(registry::DockerConfig config, registry::DockerConfig::Load());
  ASSIGN_OR_RETURN(registry::Credentials credentials,
                   registry::ResolveCredentials(config, repository.host));
  return std::make_unique<registry::RegistryClient>(repository.host, credentials, options);
}

}  // namespace sign
}  // namespace stowage
