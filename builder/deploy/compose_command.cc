// `stowage compose`: writes compose.yaml and compose.prod.yaml from a compose_file spec and the
// image's manifest descriptor.
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/deploy/compose_manifest.h"
#include "builder/deploy/image_ref.h"

namespace stowage {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "FILE", "compose_file spec JSON (written by the compose_file rule)"),
    PathFlag("descriptor", "FILE", "the image's manifest descriptor JSON (its digest is pinned)"),
    PathFlag("out", "FILE", "where the development compose.yaml is written"),
    PathFlag("prod-out", "FILE", "where the production override compose.prod.yaml is written"),
};

absl::Status ComposeMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        "stowage compose takes no arguments (stowage compose --help)");
  }
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string descriptor_path, flags.Require("descriptor"));
  ASSIGN_OR_RETURN(std::string out, flags.Require("out"));
  ASSIGN_OR_RETURN(std::string prod_out, flags.Require("prod-out"));
  RETURN_IF_ERROR(CheckOutputPaths({{"--out", out}, {"--prod-out", prod_out}},
                                   {{"--spec", spec_path}, {"--descriptor", descriptor_path}}));

  ASSIGN_OR_RETURN(nlohmann::json spec_json, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(std::string digest, ReadDescriptorDigest(descriptor_path));
  ASSIGN_OR_RETURN(ComposeSpec spec, ComposeSpecFromJson(spec_json, digest));
  ASSIGN_OR_RETURN(ComposeFiles files, GenerateCompose(spec));
  // Both files appear together or neither does.
  ASSIGN_OR_RETURN(AtomicFile first, AtomicFile::Create(out));
  ASSIGN_OR_RETURN(AtomicFile second, AtomicFile::Create(prod_out));
  RETURN_IF_ERROR(first.Write(files.development));
  RETURN_IF_ERROR(second.Write(files.production));
  return CommitOutputs({&first, &second});
}

}  // namespace

STOWAGE_REGISTER_COMMAND("compose", "write compose.yaml and its production override", ComposeMain);

}  // namespace stowage
