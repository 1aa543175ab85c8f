// `stowage deb <lock|layer> ...`: Debian packages as pinned, verified build inputs.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/deb/commands.h"

namespace stowage {
namespace {

absl::Status DebMain(const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help") {
    std::printf(
        "usage: stowage deb lock --lockfile FILE --suite S... --package P... [--arch A...]\n"
        "                        [--component C...] [--mirror [SUITE=]URL...] [--check]\n"
        "See docs/deb.md.\n");
    return args.empty() ? absl::InvalidArgumentError("stowage deb needs a subcommand: lock, layer")
                        : absl::OkStatus();
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "lock") return DebLockMain(rest);
  return absl::InvalidArgumentError(
      absl::StrCat("unknown subcommand \"deb ", args[0], "\" (lock, layer)"));
}

}  // namespace

STOWAGE_REGISTER_COMMAND("deb", "lock Debian packages to a lockfile; build layers from .deb files",
                         DebMain);

}  // namespace stowage
