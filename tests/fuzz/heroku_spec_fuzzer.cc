// The heroku_app rule's spec through `stowage heroku`: spec fields, add-ons, config vars,
// processes, then heroku.yml and the Dockerfile. Input: the spec JSON, "@@@", a manifest
// digest. Properties: the heroku.yml we write is YAML that `stowage check` reads back without
// an error, and names the same web command.
#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/deploy/heroku_manifest.h"
#include "builder/deploy/static_checks.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 2);
  (void)ParseAddon(in[1]);
  (void)ReferencesPort(in[1]);
  absl::StatusOr<nlohmann::json> json = ParseJson(in[0], "heroku_spec.json");
  if (!json.ok()) return 0;
  absl::StatusOr<HerokuSpec> spec = HerokuSpecFromJson(*json);
  fuzz::Trace("spec", spec.status());
  if (!spec.ok()) return 0;
  absl::Status valid = ValidateHerokuSpec(*spec);
  fuzz::Trace("validate", valid);
  if (!valid.ok()) return 0;
  (void)GenerateHerokuDockerfile(*spec, in[1]);
  absl::StatusOr<std::string> yml = GenerateHerokuYml(*spec);
  fuzz::Trace("heroku.yml", yml.status());
  if (!yml.ok()) return 0;
  absl::StatusOr<std::vector<Finding>> findings = CheckHerokuYml(*yml, nullptr, "heroku.yml");
  if (!findings.ok()) {
    fuzz::InvariantFailed("stowage check cannot read the heroku.yml stowage wrote",
                          std::string(findings.status().message()) + "\n" + *yml);
  }
  auto web = spec->processes.find("web");
  if (web != spec->processes.end()) {
    YAML::Node root = YAML::Load(*yml);
    YAML::Node run_web = root["run"]["web"];
    std::string written;
    if (run_web.IsScalar()) written = run_web.as<std::string>();
    if (run_web.IsMap() && run_web["command"]) {
      YAML::Node command = run_web["command"];
      if (command.IsSequence() && command.size() == 1) written = command[0].as<std::string>();
      if (command.IsScalar()) written = command.as<std::string>();
    }
    if (written != web->second) {
      fuzz::InvariantFailed("heroku.yml run.web is not the spec's web process",
                            web->second + "\n---\n" + *yml);
    }
  }
  return 0;
}
