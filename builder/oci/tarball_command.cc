// `stowage tarball --spec SPEC --out FILE [--repo-tag NAME:TAG]...`: one tar for `docker load`
// that is also an OCI image layout (spec format: builder/oci/image_set.h).
#include "builder/cli/command.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/oci/image_set.h"
#include "builder/oci/tarball.h"

namespace stowage {
namespace oci {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "FILE", "image set spec JSON (written by the oci_tarball rule)"),
    PathFlag("out", "FILE", "where the tar is written"),
    ValueFlag("repo-tag", "NAME:TAG", "a RepoTags entry for `docker load` (repeated)"),
};

absl::Status TarballMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string out, flags.Require("out"));
  ASSIGN_OR_RETURN(nlohmann::json spec, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(ImageSet set, LoadImageSet(spec));
  return WriteTarball(set, flags.GetAll("repo-tag"), out);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("tarball", "write a docker-archive + OCI layout tar", TarballMain);

}  // namespace oci
}  // namespace stowage
