// `stowage heroku`: writes heroku.yml and the Dockerfile it builds, from a heroku_app spec and
// the image's manifest descriptor.
#include <cstdio>

#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/deploy/heroku_manifest.h"
#include "builder/deploy/image_ref.h"

namespace stowage {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "FILE", "heroku_app spec JSON (written by the heroku_app rule)"),
    PathFlag("descriptor", "FILE", "the image's manifest descriptor JSON (its digest is pinned)"),
    PathFlag("heroku-yml", "OUT", "where heroku.yml is written"),
    PathFlag("dockerfile", "OUT", "where the FROM-by-digest Dockerfile is written"),
};

absl::Status HerokuMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError("stowage heroku takes no arguments (stowage heroku --help)");
  }
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string descriptor_path, flags.Require("descriptor"));
  ASSIGN_OR_RETURN(std::string yml_path, flags.Require("heroku-yml"));
  ASSIGN_OR_RETURN(std::string dockerfile_path, flags.Require("dockerfile"));
  RETURN_IF_ERROR(CheckOutputPaths({{"--heroku-yml", yml_path}, {"--dockerfile", dockerfile_path}},
                                   {{"--spec", spec_path}, {"--descriptor", descriptor_path}}));

  ASSIGN_OR_RETURN(nlohmann::json spec_json, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(HerokuSpec spec, HerokuSpecFromJson(spec_json));
  ASSIGN_OR_RETURN(std::string digest, ReadDescriptorDigest(descriptor_path));
  // Render both before writing either: bad input leaves no output at all.
  ASSIGN_OR_RETURN(std::string yml, GenerateHerokuYml(spec));
  ASSIGN_OR_RETURN(std::string dockerfile, GenerateHerokuDockerfile(spec, digest));
  // Both files appear together or neither does.
  ASSIGN_OR_RETURN(AtomicFile first, AtomicFile::Create(yml_path));
  ASSIGN_OR_RETURN(AtomicFile second, AtomicFile::Create(dockerfile_path));
  RETURN_IF_ERROR(first.Write(yml));
  RETURN_IF_ERROR(second.Write(dockerfile));
  return CommitOutputs({&first, &second});
}

}  // namespace

STOWAGE_REGISTER_COMMAND("heroku", "write heroku.yml and a FROM-by-digest Dockerfile", HerokuMain);

}  // namespace stowage
