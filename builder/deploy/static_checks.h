// Static checks of `stowage check`: an image config and manifest, heroku.yml, Compose files.
// Each returns findings (see findings.h for the rule catalog); none quotes a secret value.
#ifndef STOWAGE_BUILDER_DEPLOY_STATIC_CHECKS_H_
#define STOWAGE_BUILDER_DEPLOY_STATIC_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/deploy/findings.h"
#include "nlohmann/json.hpp"

namespace stowage {

struct StaticCheckOptions {
  bool production = false;  // --production: the image is for production whatever its Env says
  bool heroku = false;      // the target is Heroku (--platform heroku, or a heroku.yml given)
};

// The image config JSON (the whole config blob, with its "config" object).
std::vector<Finding> CheckImageConfig(const nlohmann::json& image_config,
                                      const StaticCheckOptions& options);

// The image manifest: Docker v2 schema 2 for Heroku, secrets in annotations.
std::vector<Finding> CheckImageManifest(const nlohmann::json& manifest,
                                        const StaticCheckOptions& options);

// heroku.yml text: the documented structure (STW013), secrets in config (STW003), and the web
// command and $PORT (STW006) together with the image config when given (may be null).
absl::StatusOr<std::vector<Finding>> CheckHerokuYml(const std::string& text,
                                                    const nlohmann::json& image_config,
                                                    const std::string& where);

// Compose file text: obsolete version:, literal secrets, and for a production file (a service
// whose environment has ENVIRONMENT=production) DEBUG on and source bind mounts.
absl::StatusOr<std::vector<Finding>> CheckComposeFile(const std::string& text,
                                                      const std::string& where);

// The $PORT rule (STW006), shared by image-only and heroku.yml checks. The web command is
// heroku.yml's run.web when present, else the image's Entrypoint + Cmd. It handles $PORT when
// the command mentions $PORT or ${PORT...}, or when the image Env defines PORT (an app that
// reads PORT itself, with a local default; Heroku overrides the value). No web command: no
// finding. Severity: error when a heroku.yml is checked (the dyno would fail with R10 boot
// timeout), warning for an image alone.
std::vector<Finding> CheckPortBinding(const std::string& web_command, bool command_from_heroku_yml,
                                      const nlohmann::json& image_config, bool heroku);

// Values an environment variable takes when DEBUG is on: 1, true, yes, on (any case).
bool IsTruthy(const std::string& value);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_STATIC_CHECKS_H_
