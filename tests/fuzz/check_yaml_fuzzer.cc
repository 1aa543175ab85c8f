// The YAML `stowage check` reads: heroku.yml (with an optional image config, for the $PORT
// rule) and Compose files. Input: the YAML text, "@@@", an image config JSON (may be empty).
// "@SECRET@" stands for a secret value; no finding may quote it.
#include <cstdint>
#include <string>

#include "absl/strings/str_replace.h"
#include "builder/common/json_file.h"
#include "builder/deploy/static_checks.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 2);
  std::string yaml = absl::StrReplaceAll(in[0], {{"@SECRET@", fuzz::kCanarySecret}});
  nlohmann::json image_config;
  if (!in[1].empty()) {
    absl::StatusOr<nlohmann::json> parsed = ParseJson(in[1], "config.json");
    if (parsed.ok()) image_config = *parsed;
  }
  absl::StatusOr<std::vector<Finding>> heroku = CheckHerokuYml(yaml, image_config, "heroku.yml");
  fuzz::Trace("heroku.yml", heroku.status());
  if (heroku.ok()) fuzz::CheckFindings(*heroku);
  absl::StatusOr<std::vector<Finding>> compose = CheckComposeFile(yaml, "compose.yaml");
  fuzz::Trace("compose", compose.status());
  if (compose.ok()) fuzz::CheckFindings(*compose);
  return 0;
}
