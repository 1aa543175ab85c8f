// `stowage tar-layer --tar FILE --descriptor OUT [--expect C] [--output BLOB --compression C]`:
// a tar file made by another tool (oci_image's `tars`) described as a layer, in one pass.
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/common/threads.h"
#include "builder/layer/tar_import.h"

namespace stowage {
namespace {

// The largest level any compression takes (zstd's; each checks its own) and the most worker
// threads, as in a layer spec.
constexpr long long kMaxLevelFlag = 22;
constexpr long long kMaxThreadsFlag = 1024;

const std::vector<FlagDef> kFlags = {
    PathFlag("tar", "FILE", "the tar file: uncompressed, gzip, zstd, xz, bzip2, lz4, ..."),
    PathFlag("descriptor", "FILE", "where the layer's descriptor JSON is written"),
    ValueFlag("expect", "gzip|zstd|none", "fail unless the file has this compression"),
    PathFlag("output", "FILE", "write a new blob here (with --compression) instead of using --tar"),
    ValueFlag("compression", "gzip|zstd|none", "the new blob's compression (with --output)"),
    ValueFlag("level", "N", "the new blob's compression level (default: the compression's)"),
    ValueFlag("threads", "N", "compression threads (default: STOWAGE_THREADS, else every core)"),
};

absl::Status TarLayerMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        "stowage tar-layer takes no arguments (stowage tar-layer --help)");
  }
  TarImportOptions options;
  ASSIGN_OR_RETURN(options.tar_path, flags.Require("tar"));
  ASSIGN_OR_RETURN(std::string descriptor_path, flags.Require("descriptor"));
  if (flags.Has("expect")) {
    ASSIGN_OR_RETURN(Compression expect, ParseCompression(flags.Get("expect")));
    options.expect = expect;
  }
  if (flags.Has("output") != flags.Has("compression")) {
    return absl::InvalidArgumentError("--output and --compression go together");
  }
  if (flags.Has("output")) {
    LayerOptions to;
    ASSIGN_OR_RETURN(to.compression, ParseCompression(flags.Get("compression")));
    // Range-checked before the narrowing casts: 2^32 + 6 must not become level 6.
    ASSIGN_OR_RETURN(long long level,
                     flags.GetInt("level", DefaultLevel(to.compression), 0, kMaxLevelFlag));
    to.level = static_cast<int>(level);
    ASSIGN_OR_RETURN(long long threads, flags.GetInt("threads", 0, 0, kMaxThreadsFlag));
    to.threads = threads > 0 ? static_cast<int>(threads) : DefaultThreadCount();
    options.recompress = to;
    options.output = flags.Get("output");
  }
  std::vector<NamedPath> outputs = {{"--descriptor", descriptor_path}};
  if (!options.output.empty()) outputs.push_back({"--output", options.output});
  RETURN_IF_ERROR(CheckOutputPaths(outputs, {{"--tar", options.tar_path}}));
  options.descriptor = descriptor_path;
  return ImportTar(options).status();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("tar-layer",
                         "describe a tar file (compressed or not) as a layer, in one pass",
                         TarLayerMain);

}  // namespace stowage
