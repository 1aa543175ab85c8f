// `stowage deb layer --spec SPEC.json --output BLOB --descriptor DESC.json [--threads N]`
// One reproducible layer from .deb files (builder/deb/package_layer.h, docs/deb.md).
#include <cstdlib>

#include "builder/cli/command.h"
#include "builder/common/json_file.h"
#include "builder/common/output_path.h"
#include "builder/common/status_macros.h"
#include "builder/deb/commands.h"
#include "builder/deb/package_layer.h"
#include "builder/deb/scratch_dir.h"
#include "builder/layer/layer_builder.h"

namespace stowage {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "SPEC.json", "the package layer spec deb_layer writes (docs/formats.md)"),
    PathFlag("output", "BLOB", "the layer blob to write"),
    PathFlag("descriptor", "DESC.json", "the layer descriptor to write"),
    ValueFlag("threads", "N", "compression threads (default every core; bytes never depend on it)"),
};

}  // namespace

absl::Status DebLayerMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError("stowage deb layer takes no positional arguments");
  }
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string output, flags.Require("output"));
  ASSIGN_OR_RETURN(std::string descriptor, flags.Require("descriptor"));
  std::vector<NamedPath> outputs = {{"--output", output}, {"--descriptor", descriptor}};
  RETURN_IF_ERROR(CheckOutputPaths(outputs, {{"--spec", spec_path}}));
  ASSIGN_OR_RETURN(nlohmann::json json, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(PackageLayerSpec spec,
                   ParsePackageLayerSpec(json, std::getenv("SOURCE_DATE_EPOCH")));
  // No output may be one of the .deb files it is built from.
  std::vector<NamedPath> debs;
  for (const auto* list : {&spec.packages, &spec.below}) {
    for (const LayerPackage& p : *list) debs.push_back({"(a .deb of the spec)", p.deb});
  }
  RETURN_IF_ERROR(CheckOutputPaths(outputs, debs));
  // Packages are unpacked beside the output (always writable, same file system), and the
  // directory goes away with everything in it whatever happens.
  std::string dir = output.substr(0, output.rfind('/') + 1);
  ASSIGN_OR_RETURN(ScratchDir scratch, ScratchDir::Create(dir.empty() ? "." : dir, ".deb-layer."));
  ASSIGN_OR_RETURN(LayerSpec layer, PlanPackageLayer(spec, scratch.path()));
  ASSIGN_OR_RETURN(LayerOptions options, ResolveLayerOptions(layer, "", "", flags.Get("threads")));
  return BuildLayer(layer, options, output, descriptor).status();
}

}  // namespace stowage
