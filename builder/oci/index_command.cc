// `stowage index --image DESCRIPTOR... [--config CONFIG...] --index-out F --descriptor-out F
//  [--annotation K=V]...`: a multi-platform image index from image manifest descriptors. Each
// image's platform comes from its descriptor or, when the descriptor has none (an import), from
// its config (`--config` in the same order as `--image`).
#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/oci/config_files.h"
#include "builder/oci/image_config.h"
#include "builder/oci/index_builder.h"

namespace stowage {
namespace oci {
namespace {

const std::vector<FlagDef> kFlags = {
    PathFlag("image", "FILE", "an image's manifest descriptor JSON (repeated, in index order)"),
    PathFlag("config", "FILE", "that image's config, for its platform (repeated, same order)"),
    PathFlag("index-out", "FILE", "where the index JSON is written"),
    PathFlag("descriptor-out", "FILE", "where the index's descriptor JSON is written"),
    ValueFlag("annotation", "KEY=VALUE", "an index annotation (repeated; OCI format only)"),
    PathFlag("annotations-file", "FILE", "more annotations, KEY=VALUE lines (rules_oci's form)"),
};

absl::Status IndexMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  ASSIGN_OR_RETURN(std::string index_out, flags.Require("index-out"));
  ASSIGN_OR_RETURN(std::string descriptor_out, flags.Require("descriptor-out"));
  std::vector<Descriptor> images;
  std::vector<std::string> descriptors = flags.GetAll("image");
  std::vector<std::string> configs = flags.GetAll("config");
  std::vector<NamedPath> inputs;
  for (const std::string& d : descriptors) inputs.push_back({"--image", d});
  for (const std::string& c : configs) inputs.push_back({"--config", c});
  RETURN_IF_ERROR(
      CheckOutputPaths({{"--index-out", index_out}, {"--descriptor-out", descriptor_out}}, inputs));
  if (!configs.empty() && configs.size() != descriptors.size()) {
    return absl::InvalidArgumentError("give one --config per --image, or none");
  }
  for (size_t i = 0; i < descriptors.size(); ++i) {
    ASSIGN_OR_RETURN(nlohmann::json value,
                     ReadJsonFile(descriptors[i], limits::kMaxDescriptorBytes));
    ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(value, descriptors[i]));
    if (d.platform.is_null() && !configs.empty()) {
      ASSIGN_OR_RETURN(nlohmann::json config, ReadJsonFile(configs[i], limits::kMaxConfigBytes));
      ASSIGN_OR_RETURN(d.platform, PlatformOf(JsonView(config, configs[i])));
    }
    images.push_back(std::move(d));
  }
  std::map<std::string, std::string> annotations;
  for (const std::string& file : flags.GetAll("annotations-file")) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file));
    ASSIGN_OR_RETURN(auto from_file, ParseKeyValueLines(text, "annotations file " + file));
    annotations.insert(from_file.begin(), from_file.end());
  }
  for (const std::string& kv : flags.GetAll("annotation")) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad --annotation \"", kv, "\": want KEY=VALUE"));
    }
    annotations[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  ASSIGN_OR_RETURN(BuiltIndex index, BuildIndex(images, annotations));
  ASSIGN_OR_RETURN(AtomicFile index_file, AtomicFile::Create(index_out));
  ASSIGN_OR_RETURN(AtomicFile descriptor_file, AtomicFile::Create(descriptor_out));
  RETURN_IF_ERROR(index_file.Write(index.index));
  ASSIGN_OR_RETURN(std::string descriptor, CanonicalJson(index.descriptor, descriptor_out));
  RETURN_IF_ERROR(descriptor_file.Write(descriptor));
  return CommitOutputs({&index_file, &descriptor_file});
}

}  // namespace

STOWAGE_REGISTER_COMMAND("index", "assemble a multi-platform image index", IndexMain);

}  // namespace oci
}  // namespace stowage
