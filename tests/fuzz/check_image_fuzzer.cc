// The image JSON `stowage check` reads: the config blob and the manifest, with and without
// --production and --platform heroku. Input: config JSON, "@@@", manifest JSON, "@@@", a web
// command for the $PORT rule. "@SECRET@" stands for a secret value; no finding may quote it.
#include <cstdint>
#include <string>

#include "absl/strings/str_replace.h"
#include "builder/common/json_file.h"
#include "builder/deploy/static_checks.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 3);
  for (std::string& piece : in) {
    piece = absl::StrReplaceAll(piece, {{"@SECRET@", fuzz::kCanarySecret}});
  }
  absl::StatusOr<nlohmann::json> config = ParseJson(in[0], "config.json");
  absl::StatusOr<nlohmann::json> manifest = ParseJson(in[1], "manifest.json");
  for (bool production : {false, true}) {
    for (bool heroku : {false, true}) {
      StaticCheckOptions options{production, heroku};
      if (config.ok()) fuzz::CheckFindings(CheckImageConfig(*config, options));
      if (manifest.ok()) fuzz::CheckFindings(CheckImageManifest(*manifest, options));
      fuzz::CheckFindings(
          CheckPortBinding(in[2], heroku, config.ok() ? *config : nlohmann::json(), heroku));
    }
  }
  (void)IsTruthy(in[2]);
  return 0;
}
