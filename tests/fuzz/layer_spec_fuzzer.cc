// The layer spec (`stowage layer --spec`): JSON parsing, entry attributes, modes, image paths
// and SOURCE_DATE_EPOCH. Input: the spec, then optionally "@@@" and a SOURCE_DATE_EPOCH value.
#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/tar/image_path.h"
#include "builder/tar/layer_spec.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = stowage::fuzz::SplitInput(data, size, 2);
  absl::StatusOr<nlohmann::json> json = stowage::ParseJson(in[0], "spec.json");
  if (!json.ok()) return 0;
  const char* epoch = in[1].empty() ? nullptr : in[1].c_str();
  (void)stowage::ParseSourceDateEpoch(in[1]);
  absl::StatusOr<stowage::LayerSpec> spec = stowage::ParseLayerSpec(*json, epoch);
  stowage::fuzz::Trace("spec", spec.status());
  if (!spec.ok()) return 0;
  for (const stowage::SpecEntry& entry : spec->entries) {
    absl::StatusOr<std::string> path = stowage::NormalizeImagePath(entry.path, entry.where);
    if (path.ok()) {
      // Normalizing is idempotent and never leaves the root.
      absl::StatusOr<std::string> again = stowage::NormalizeImagePath(*path, entry.where);
      if (!again.ok() || *again != *path) {
        stowage::fuzz::InvariantFailed("NormalizeImagePath is not idempotent", entry.path);
      }
      if (*path == ".." || path->rfind("../", 0) == 0 || (!path->empty() && (*path)[0] == '/')) {
        stowage::fuzz::InvariantFailed("normalized image path leaves the root", *path);
      }
    }
  }
  return 0;
}
