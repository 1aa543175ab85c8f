// Naming an image in a registry on the command line (`stowage sign`, `stowage verify`):
// --repository HOST/NAME and --digest D or --tag T.
#ifndef STOWAGE_BUILDER_SIGN_IMAGE_FLAGS_H_
#define STOWAGE_BUILDER_SIGN_IMAGE_FLAGS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/cli/flags.h"
#include "builder/registry/client.h"
#include "builder/registry/url.h"

namespace stowage {
namespace sign {

std::vector<FlagDef> ImageFlags();

struct ImageTarget {
  registry::RepositoryRef repository;
  std::string scheme;
  std::string reference;  // a digest or a tag
};
absl::StatusOr<ImageTarget> ImageTargetFromFlags(const Flags& flags);

// A client with the user's docker credentials for the repository's registry.
absl::StatusOr<std::unique_ptr<registry::RegistryClient>> ClientFor(
    const registry::RepositoryRef& repository, const registry::ClientOptions& options);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_IMAGE_FLAGS_H_
