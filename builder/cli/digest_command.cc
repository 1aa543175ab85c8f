// `stowage digest FILE...`: one "sha256:<hex>  FILE" line per file.
#include <cstdio>

#include "builder/cli/command.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"

namespace stowage {
namespace {

absl::Status DigestMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags,
                   Flags::Parse(args, {PathArguments("FILE...", "files to hash (at least one)")}));
  if (flags.positional().empty()) {
    return absl::InvalidArgumentError("give at least one FILE (stowage digest --help)");
  }
  for (const std::string& path : flags.positional()) {
    ASSIGN_OR_RETURN(std::string digest, Sha256OfFile(path));
    std::printf("%s  %s\n", digest.c_str(), path.c_str());
  }
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("digest", "print the sha256 digest of files", DigestMain);

}  // namespace stowage
