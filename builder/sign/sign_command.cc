// `stowage sign`: signs an image that is in a registry (cosign-compatible) and attaches
// attestations to it. `stowage push --key ...` does the same right after a push.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/status_macros.h"
#include "builder/registry/client_flags.h"
#include "builder/sign/attach.h"
#include "builder/sign/image_flags.h"
#include "builder/sign/sign_flags.h"

namespace stowage {
namespace sign {
namespace {

absl::Status SignMain(const std::vector<std::string>& args) {
  std::vector<FlagDef> defs = ImageFlags();
  for (FlagDef& f : SignFlags()) defs.push_back(std::move(f));
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, registry::WithClientFlags(defs)));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", flags.positional()[0], "\" (stowage sign --help)"));
  }
  if (!WantsSigning(flags)) return absl::InvalidArgumentError("give --key FILE or --key-env VAR");
  ASSIGN_OR_RETURN(ImageTarget target, ImageTargetFromFlags(flags));
  ASSIGN_OR_RETURN(SigningPlan plan, PrepareSigning(flags));
  ASSIGN_OR_RETURN(registry::ClientOptions options,
                   registry::ClientOptionsFromFlags(flags, target.scheme));
  ASSIGN_OR_RETURN(std::unique_ptr<registry::RegistryClient> client,
                   ClientFor(target.repository, options));
  RETURN_IF_ERROR(client->Ping());
  ASSIGN_OR_RETURN(Descriptor subject,
                   ResolveSubject(*client, target.repository, target.reference));
  std::printf("%s@%s\n", target.repository.ToString().c_str(), subject.digest.c_str());
  return RunSigning(plan, *client, target.repository, subject);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("sign",
                         "sign an image in a registry (cosign-compatible) and attach attestations",
                         SignMain);

}  // namespace sign
}  // namespace stowage
