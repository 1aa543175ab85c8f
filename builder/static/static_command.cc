// `stowage static --spec=SPEC.json --out=DIR [--manifest=FILE] [--threads=N]`: collects static
// files as Django's collectstatic with WhiteNoise's CompressedManifestStaticFilesStorage would,
// into a new directory DIR (STATIC_ROOT's contents); FILE gets a copy of staticfiles.json.
#include <cstdio>
#include <optional>

#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/static/spec.h"
#include "builder/static/static_assets.h"

namespace stowage {
namespace {

constexpr size_t kMaxPrintedWarnings = 100;

const std::vector<FlagDef> kStaticFlags = {
    PathFlag("spec", "FILE", "static spec JSON (written by the static_assets rule)"),
    PathFlag("out", "DIR", "STATIC_ROOT to fill (a new directory)"),
    PathFlag("manifest", "FILE", "where a copy of staticfiles.json is written"),
    ValueFlag("threads", "N", "worker threads (default: STOWAGE_THREADS, else every core)"),
};

const std::vector<FlagDef> kCompressFlags = {
    PathFlag("spec", "FILE", "precompress spec JSON (written by the static_assets rule)"),
    PathFlag("out", "DIR", "directory for the compressed variants"),
    ValueFlag("threads", "N", "worker threads (default: STOWAGE_THREADS, else every core)"),
};

// More threads than this only costs memory; the value must fit an int either way.
constexpr long long kMaxThreadsFlag = 1024;

absl::Status StaticMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kStaticFlags));
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string out_dir, flags.Require("out"));
  ASSIGN_OR_RETURN(long long threads, flags.GetInt("threads", 0, 0, kMaxThreadsFlag));
  std::vector<NamedPath> outputs = {{"--out", out_dir, OutputKind::kDirectory}};
  if (flags.Has("manifest")) outputs.push_back({"--manifest", flags.Get("manifest")});
  RETURN_IF_ERROR(CheckOutputPaths(outputs, {{"--spec", spec_path}}));
  // Both outputs are opened before the work: a path that may not be replaced fails at once.
  ASSIGN_OR_RETURN(OutputDirectory tree, OutputDirectory::Create(out_dir));
  std::optional<AtomicFile> manifest;
  if (flags.Has("manifest")) {
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(flags.Get("manifest")));
    manifest.emplace(std::move(file));
  }
  ASSIGN_OR_RETURN(nlohmann::json spec_json, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(StaticSpec spec, ParseStaticSpec(spec_json));
  spec.options.threads = static_cast<int>(threads);

  ASSIGN_OR_RETURN(StaticAssets assets, BuildStaticAssets(spec.sources, spec.options));
  // A hostile tree can produce millions of warnings; the first ones say what is wrong.
  for (size_t i = 0; i < assets.warnings.size() && i < kMaxPrintedWarnings; ++i) {
    PrintWarning(assets.warnings[i]);
  }
  if (assets.warnings.size() > kMaxPrintedWarnings) {
    std::fprintf(stderr, "stowage: warning: ... and %zu more warnings\n",
                 assets.warnings.size() - kMaxPrintedWarnings);
  }
  // The tree and the manifest copy appear together or neither does.
  RETURN_IF_ERROR(FillTree(assets.files, tree.temp_path(), spec.options.threads));
  if (!manifest) return tree.Commit();
  RETURN_IF_ERROR(manifest->Write(assets.manifest));
  return CommitOutputs({&tree, &*manifest});
}

// `stowage static-compress --spec=SPEC.json --out=DIR [--threads=N]`: WhiteNoise's variants of
// some input files ahead of `stowage static`, so Bazel caches them per shard of inputs.
absl::Status StaticCompressMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kCompressFlags));
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string out_dir, flags.Require("out"));
  ASSIGN_OR_RETURN(long long threads, flags.GetInt("threads", 0, 0, kMaxThreadsFlag));
  RETURN_IF_ERROR(
      CheckOutputPaths({{"--out", out_dir, OutputKind::kDirectory}}, {{"--spec", spec_path}}));
  ASSIGN_OR_RETURN(nlohmann::json spec_json, ReadJsonFile(spec_path));
  ASSIGN_OR_RETURN(PrecompressSpec spec, ParsePrecompressSpec(spec_json));
  ASSIGN_OR_RETURN(auto tree,
                   PrecompressFiles(spec.files, spec.brotli, spec.gzip, static_cast<int>(threads)));
  return WriteTree(tree, out_dir, static_cast<int>(threads));
}

}  // namespace

STOWAGE_REGISTER_COMMAND("static-compress",
                         "precompress inputs of `stowage static` (cached per shard)",
                         StaticCompressMain);
STOWAGE_REGISTER_COMMAND("static", "collect static files like Django's collectstatic + WhiteNoise",
                         StaticMain);

}  // namespace stowage
