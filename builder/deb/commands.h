// The subcommands of `stowage deb`, each in its own file; deb_command.cc dispatches.
#ifndef STOWAGE_BUILDER_DEB_COMMANDS_H_
#define STOWAGE_BUILDER_DEB_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace stowage {

// `stowage deb lock`: resolves packages against a mirror's indexes, writes the lockfile.
absl::Status DebLockMain(const std::vector<std::string>& args);

// `stowage deb layer`: one layer from .deb files (docs/deb.md).
absl::Status DebLayerMain(const std::vector<std::string>& args);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_COMMANDS_H_
