// `stowage deb <lock|layer> ...`: Debian packages as pinned, verified build inputs.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/deb/commands.h"

namespace stowage {
namespace {

absl::Status DebMain(const std::vector<std::string>& args) {
  if (args.empty()) {
    return absl::InvalidArgumentError("stowage deb needs a subcommand (stowage deb --help)");
  }
  // Flags before the subcommand: only --help means something there.
  if (!args[0].empty() && args[0][0] == '-') {
    if (std::find(args.begin(), args.end(), "--help") == args.end() &&
        std::find(args.begin(), args.end(), "-h") == args.end()) {
      return absl::InvalidArgumentError(
          "stowage deb: the subcommand comes first (stowage deb --help)");
    }
    return SubcommandHelp({{"lock",
                            "resolve packages against a mirror's indexes into a lockfile "
                            "(docs/deb.md)"},
                           {"layer", "build one reproducible layer from .deb files"}});
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "lock") return NameSubcommandHelp(DebLockMain(rest), "lock");
  if (args[0] == "layer") return NameSubcommandHelp(DebLayerMain(rest), "layer");
  return absl::InvalidArgumentError(
      absl::StrCat("unknown subcommand \"deb ", args[0], "\" (lock, layer)"));
}

}  // namespace

STOWAGE_REGISTER_COMMAND("deb", "lock Debian packages to a lockfile; build layers from .deb files",
                         DebMain);

}  // namespace stowage
