// `stowage image --spec SPEC --config-out F --manifest-out F --descriptor-out F
//  [--stable-status F --volatile-status F]`: writes an image's config, manifest and manifest
// descriptor. The spec (written by the oci_image rule) names the base's config and manifest and
// the new layers' descriptor files; layer blobs are never read.
#include <cstdlib>
#include <optional>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/common/workspace_status.h"
#include "builder/digest/sha256.h"
#include "builder/oci/image_builder.h"

namespace stowage {
namespace oci {
namespace {

absl::StatusOr<int64_t> SourceDateEpoch() {
  const char* env = std::getenv("SOURCE_DATE_EPOCH");
  if (env == nullptr || *env == '\0') return 0;
  int64_t value;
  if (!absl::SimpleAtoi(env, &value) || value < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("SOURCE_DATE_EPOCH=\"", env, "\" is not a non-negative number of seconds"));
  }
  return value;
}

const std::vector<FlagDef> kFlags = {
    PathFlag("spec", "FILE", "image spec JSON (written by the oci_image rule; docs/formats.md)"),
    PathFlag("config-out", "FILE", "where the config JSON is written"),
    PathFlag("manifest-out", "FILE", "where the manifest JSON is written"),
    PathFlag("descriptor-out", "FILE", "where the manifest's descriptor JSON is written"),
    PathFlag("digest-out", "FILE",
             "where the manifest digest is written, one line (rules_oci's .digest)"),
    PathFlag("stable-status", "FILE", "Bazel's stable workspace status, for {KEY} stamping"),
    PathFlag("volatile-status", "FILE", "Bazel's volatile workspace status (BUILD_TIMESTAMP)"),
};

absl::Status ImageMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  ASSIGN_OR_RETURN(std::string spec_path, flags.Require("spec"));
  ASSIGN_OR_RETURN(std::string config_out, flags.Require("config-out"));
  ASSIGN_OR_RETURN(std::string manifest_out, flags.Require("manifest-out"));
  ASSIGN_OR_RETURN(std::string descriptor_out, flags.Require("descriptor-out"));
  std::vector<NamedPath> inputs = {{"--spec", spec_path}};
  for (const char* status_flag : {"stable-status", "volatile-status"}) {
    if (flags.Has(status_flag))
      inputs.push_back({absl::StrCat("--", status_flag), flags.Get(status_flag)});
  }
  std::vector<NamedPath> outputs = {{"--config-out", config_out},
                                    {"--manifest-out", manifest_out},
                                    {"--descriptor-out", descriptor_out}};
  if (flags.Has("digest-out")) outputs.push_back({"--digest-out", flags.Get("digest-out")});
  RETURN_IF_ERROR(CheckOutputPaths(outputs, inputs));

  ASSIGN_OR_RETURN(auto status,
                   ReadWorkspaceStatus({flags.Get("stable-status"), flags.Get("volatile-status")}));
  ASSIGN_OR_RETURN(int64_t epoch, SourceDateEpoch());
  ASSIGN_OR_RETURN(nlohmann::json spec_json, ReadJsonFile(spec_path, limits::kMaxSpecBytes));
  ASSIGN_OR_RETURN(ImageSpec spec, ParseImageSpec(spec_json, status, epoch));
  if (spec.base_config_path.has_value()) {
    ASSIGN_OR_RETURN(spec.inputs.base_config,
                     ReadFileCapped(*spec.base_config_path, limits::kMaxConfigBytes));
    ASSIGN_OR_RETURN(spec.inputs.base_manifest,
                     ReadFileCapped(*spec.base_manifest_path, limits::kMaxManifestBytes));
  }
  ASSIGN_OR_RETURN(BuiltImage image, AssembleImage(spec.inputs));

  // All of them appear together or none does.
  ASSIGN_OR_RETURN(AtomicFile config, AtomicFile::Create(config_out));
  ASSIGN_OR_RETURN(AtomicFile manifest, AtomicFile::Create(manifest_out));
  ASSIGN_OR_RETURN(AtomicFile descriptor, AtomicFile::Create(descriptor_out));
  std::optional<AtomicFile> digest;
  if (flags.Has("digest-out")) {
    ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(flags.Get("digest-out")));
    RETURN_IF_ERROR(file.Write(Sha256Digest(image.manifest) + "\n"));
    digest.emplace(std::move(file));
  }
  RETURN_IF_ERROR(config.Write(image.config));
  RETURN_IF_ERROR(manifest.Write(image.manifest));
  ASSIGN_OR_RETURN(std::string descriptor_text, CanonicalJson(image.descriptor, descriptor_out));
  RETURN_IF_ERROR(descriptor.Write(descriptor_text));
  std::vector<PendingOutput*> pending = {&config, &manifest, &descriptor};
  if (digest.has_value()) pending.push_back(&*digest);
  return CommitOutputs(pending);
}

}  // namespace

STOWAGE_REGISTER_COMMAND("image", "assemble an image config, manifest and descriptor", ImageMain);

}  // namespace oci
}  // namespace stowage
