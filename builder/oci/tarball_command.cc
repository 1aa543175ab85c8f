// `stowage tarball --spec SPEC --out FILE [--repo-tag NAME:TAG]...`: one tar for `docker load`
// that is also an OCI image layout (spec format: builder/oci/image_set.h).
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
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
    PathFlag("repo-tags-file", "FILE", "more RepoTags, one per line (rules_oci's form)"),
};

absl::Status TarballMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string out, flags.Require("out"));
  RETURN_IF_ERROR(CheckOutputPaths({{"--out", out}}, {{"--spec", spec_path}}));
  ASSIGN_OR_RETURN(nlohmann::json spec, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(ImageSet set, LoadImageSet(spec));
  std::vector<std::string> tags = flags.GetAll("repo-tag");
  for (const std::string& file : flags.GetAll("repo-tags-file")) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty() && line[0] != '#') tags.emplace_back(line);
    }
  }
  return WriteTarball(set, tags, out);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("tarball", "write a docker-archive + OCI layout tar", TarballMain);

}  // namespace oci
}  // namespace stowage
