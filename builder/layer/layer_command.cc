// `stowage layer --spec SPEC.json --output BLOB --descriptor DESC.json
//                [--compression gzip|zstd|none] [--level N] [--threads N]`
// Builds one reproducible layer blob and its descriptor (docs/layer.md, docs/formats.md).
#include <cstdlib>

#include "builder/cli/command.h"
#include "builder/common/output_path.h"
#include "builder/common/status_macros.h"
#include "builder/layer/layer_builder.h"
#include "builder/tar/layer_spec.h"

namespace stowage {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "FILE", "layer spec JSON (written by the oci_layer rule; docs/formats.md)"),
    PathFlag("output", "FILE", "where the layer blob is written"),
    PathFlag("descriptor", "FILE", "where the layer's descriptor JSON is written"),
    ValueFlag("compression", "gzip|zstd|none", "overrides the spec's compression"),
    ValueFlag("level", "N", "overrides the spec's compression level"),
    ValueFlag("threads", "N", "compression threads (default: STOWAGE_THREADS, else every core)"),
};

absl::Status LayerMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError("stowage layer takes no positional arguments; see --spec");
  }
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string output, flags.Require("output"));
  ASSIGN_OR_RETURN(std::string descriptor, flags.Require("descriptor"));
  RETURN_IF_ERROR(CheckOutputPaths(
      {{"--output", output, OutputKind::kFile}, {"--descriptor", descriptor, OutputKind::kFile}},
      {{"--spec", spec_path, OutputKind::kFile}}));
  ASSIGN_OR_RETURN(LayerSpec spec, ReadLayerSpec(spec_path, std::getenv("SOURCE_DATE_EPOCH")));
  ASSIGN_OR_RETURN(LayerOptions options,
                   ResolveLayerOptions(spec, flags.Get("compression"), flags.Get("level"),
                                       flags.Get("threads")));
  return BuildLayer(spec, options, output, descriptor).status();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("layer",
                         "build a reproducible layer blob and its descriptor from a JSON spec",
                         LayerMain);

}  // namespace stowage
