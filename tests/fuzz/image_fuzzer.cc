// `stowage image`: the oci_image rule's spec, a layer descriptor it names, and a base image's
// config and manifest (as `pull` wrote them from a registry: hostile). Input: the spec JSON,
// "@@@", the layer descriptor (layer.json), "@@@", the base config, "@@@", the base manifest
// ("@BASECONFIG@" / "@BASECONFIGSIZE@" name the base config), "@@@", workspace status text.
// Relative descriptor paths in the spec are taken in the scratch directory. Properties: a
// built image's config and manifest are JSON, and its descriptor names the manifest's digest.
#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/common/workspace_status.h"
#include "builder/digest/sha256.h"
#include "builder/oci/descriptor.h"
#include "builder/oci/image_builder.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/linked_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 5);
  const std::string& dir = fuzz::ScratchDir();
  fuzz::EmptyDir(dir);
  std::vector<fuzz::LinkedFile> files = {{"LAYER", "layer.json"},
                                         {"BASECONFIG", "base_config.json"},
                                         {"BASEMANIFEST", "base_manifest.json"}};
  std::vector<fuzz::WrittenFile> written =
      fuzz::WriteLinkedFiles(dir, files, {in[1], in[2], in[3]});
  if (absl::StatusOr<nlohmann::json> d = ParseJson(written[0].bytes, "layer.json"); d.ok()) {
    (void)oci::ParseLayerDescriptor(*d, "layer.json");
    (void)oci::ParseDescriptor(*d, "layer.json");
  }

  oci::ImageInputs inputs;
  absl::StatusOr<nlohmann::json> spec_json = ParseJson(in[0], "image_spec.json");
  if (spec_json.ok() && spec_json->is_object()) {
    auto layers = spec_json->find("layers");
    if (layers != spec_json->end() && layers->is_array()) {
      for (auto& layer : *layers) {
        if (!layer.is_object()) continue;
        auto d = layer.find("descriptor");
        if (d == layer.end() || !d->is_string()) continue;
        std::string path = d->get<std::string>();
        *d = path.find('/') == std::string::npos ? dir + "/" + path : std::string("/nonexistent");
      }
    }
    absl::StatusOr<oci::ImageSpec> spec =
        oci::ParseImageSpec(*spec_json, ParseWorkspaceStatus(in[4]), 0);
    fuzz::Trace("spec", spec.status());
    if (spec.ok()) inputs = spec->inputs;
  }
  if (!in[2].empty() || !in[3].empty()) {
    inputs.base_config = written[1].bytes;
    inputs.base_manifest = written[2].bytes;
  }
  absl::StatusOr<oci::BuiltImage> image = oci::AssembleImage(inputs);
  fuzz::Trace("assemble", image.status());
  if (!image.ok()) return 0;
  if (!ParseJson(image->config, "config").ok() || !ParseJson(image->manifest, "manifest").ok()) {
    fuzz::InvariantFailed("a built config or manifest is not JSON", image->manifest);
  }
  if (image->descriptor.value("digest", "") != Sha256Digest(image->manifest)) {
    fuzz::InvariantFailed("the descriptor does not name the manifest", image->descriptor.dump());
  }
  return 0;
}
