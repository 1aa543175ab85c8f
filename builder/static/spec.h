// The JSON specs the static_assets rule writes for `stowage static` and
// `stowage static-compress` (see docs/formats.md).
#ifndef STOWAGE_BUILDER_STATIC_SPEC_H_
#define STOWAGE_BUILDER_STATIC_SPEC_H_

#include <vector>

#include "absl/status/statusor.h"
#include "builder/static/collect.h"
#include "builder/static/static_assets.h"
#include "nlohmann/json.hpp"

namespace stowage {

struct StaticSpec {
  std::vector<StaticSource> sources;
  StaticAssetsOptions options;
};

absl::StatusOr<StaticSpec> ParseStaticSpec(const nlohmann::json& spec);

// `stowage static-compress`: {"brotli": true, "gzip": true, "files": [paths]}.
struct PrecompressSpec {
  bool brotli = true;
  bool gzip = true;
  std::vector<std::string> files;
};

absl::StatusOr<PrecompressSpec> ParsePrecompressSpec(const nlohmann::json& spec);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_SPEC_H_
