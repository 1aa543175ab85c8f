// `stowage layout --spec SPEC --out DIR [--tag TAG]`: an OCI image layout directory holding an
// image or an image index (spec format: builder/oci/image_set.h).
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/oci/image_set.h"
#include "builder/oci/layout.h"

namespace stowage {
namespace oci {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "FILE", "image set spec JSON (written by the oci_layout rule)"),
    PathFlag("out", "DIR", "the layout directory to write (must not exist or be empty)"),
    ValueFlag("tag", "TAG", "org.opencontainers.image.ref.name of the entry in index.json"),
};

absl::Status LayoutMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string out, flags.Require("out"));
  RETURN_IF_ERROR(
      CheckOutputPaths({{"--out", out, OutputKind::kDirectory}}, {{"--spec", spec_path}}));
  ASSIGN_OR_RETURN(nlohmann::json spec, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(ImageSet set, LoadImageSet(spec));
  return WriteLayout(set, flags.Get("tag"), out);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("layout", "write an OCI image layout directory", LayoutMain);

}  // namespace oci
}  // namespace stowage
