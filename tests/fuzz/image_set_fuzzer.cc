// `stowage layout` and `stowage tarball`: the spec naming an image's (or an index's) files,
// the checks that they agree, and writing the OCI layout from them. Input: the spec JSON, "@@@",
// layer blob, "@@@", layer descriptor, "@@@", config, "@@@", manifest, "@@@", the manifest's
// descriptor, "@@@", an index, "@@@", the index's descriptor. Files are named layer.tar,
// layer.json, config.json, manifest.json, descriptor.json, index.json, index_descriptor.json
// in the scratch directory (relative spec paths resolve there); "@LAYER@", "@CONFIG@",
// "@MANIFEST@", "@INDEX@" (and "...SIZE@") are their digests.
#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/oci/image_set.h"
#include "builder/oci/layout.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/linked_files.h"

namespace {

// Every relative string in the spec becomes a path in `dir` (the spec holds only paths).
void RebasePaths(nlohmann::json& value, const std::string& dir) {
  if (value.is_string()) {
    std::string s = value.get<std::string>();
    if (!s.empty() && s[0] != '/') value = dir + "/" + s;
  } else if (value.is_structured()) {
    for (auto& item : value) RebasePaths(item, dir);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 8);
  const std::string& dir = fuzz::ScratchDir();
  fuzz::EmptyDir(dir);
  std::vector<fuzz::LinkedFile> files = {{"LAYER", "layer.tar"},
                                         {"LAYERDESC", "layer.json"},
                                         {"CONFIG", "config.json"},
                                         {"MANIFEST", "manifest.json"},
                                         {"DESC", "descriptor.json"},
                                         {"INDEX", "index.json"},
                                         {"INDEXDESC", "index_descriptor.json"}};
  std::vector<fuzz::WrittenFile> written =
      fuzz::WriteLinkedFiles(dir, files, {in[1], in[2], in[3], in[4], in[5], in[6], in[7]});
  absl::StatusOr<nlohmann::json> spec = ParseJson(in[0], "spec.json");
  if (!spec.ok()) return 0;
  RebasePaths(*spec, dir);
  absl::StatusOr<oci::ImageSet> set = oci::LoadImageSet(*spec);
  fuzz::Trace("load", set.status());
  if (!set.ok()) return 0;
  (void)oci::LayoutIndex(set->root, "latest");
  fuzz::Trace("layout", oci::WriteLayout(*set, "latest", dir + "/out"));
  return 0;
}
