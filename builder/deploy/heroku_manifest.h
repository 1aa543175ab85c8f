// heroku.yml and its Dockerfile, generated from the targets that build the image.
//
// The Dockerfile is one line, FROM <repository>@<manifest digest>: Heroku's git-push build
// then runs exactly the image Bazel built and tested. heroku.yml follows the documented format
// (docs/deploy.md, specs §5.1): setup.addons[].plan/as, setup.config, build.docker.web,
// release.command + release.image, run.<process>.
#ifndef STOWAGE_BUILDER_DEPLOY_HEROKU_MANIFEST_H_
#define STOWAGE_BUILDER_DEPLOY_HEROKU_MANIFEST_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stowage {

struct HerokuAddon {
  std::string plan;  // e.g. heroku-postgresql or heroku-postgresql:essential-0
  std::string as;    // attachment name, e.g. DATABASE (gives DATABASE_URL); may be empty
};

struct HerokuSpec {
  std::string label;  // the Bazel target, for the "generated from" comment
  std::string repository;
  std::vector<HerokuAddon> addons;
  std::map<std::string, std::string> config;  // non-secret config vars only
  std::vector<std::string> release_command;
  std::map<std::string, std::string> processes;  // process type -> command
  std::string dockerfile_path = "Dockerfile";
  // The static_assets target whose files the image carries (collected at build time), and
  // where: said in heroku.yml's header, so nobody adds collectstatic to the release phase.
  std::string static_assets_label;
  std::string static_root;
};

// "plan" or "plan:AS" where AS is an upper-case attachment name ([A-Z][A-Z0-9_]*). Plans may
// contain ':' themselves (heroku-postgresql:essential-0), so only a final upper-case part
// is taken as the attachment: "heroku-postgresql:essential-0:DATABASE".
absl::StatusOr<HerokuAddon> ParseAddon(const std::string& text);

// The spec JSON written by the heroku_app rule (see rules/private/heroku.bzl).
absl::StatusOr<HerokuSpec> HerokuSpecFromJson(const nlohmann::json& json);

// Refuses secrets in config, malformed names, a web process that does not bind $PORT.
absl::Status ValidateHerokuSpec(const HerokuSpec& spec);

absl::StatusOr<std::string> GenerateHerokuYml(const HerokuSpec& spec);
absl::StatusOr<std::string> GenerateHerokuDockerfile(const HerokuSpec& spec,
                                                     const std::string& manifest_digest);

// True when a shell command reads $PORT or ${PORT...}.
bool ReferencesPort(const std::string& command);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_HEROKU_MANIFEST_H_
