// Registry credentials the way docker finds them: $DOCKER_AUTH_CONFIG, or
// $DOCKER_CONFIG/config.json (or ~/.docker/config.json), with `auths`, `credHelpers` and
// `credsStore`, and the docker-credential-<name> helper protocol.
#ifndef STOWAGE_BUILDER_REGISTRY_CREDENTIALS_H_
#define STOWAGE_BUILDER_REGISTRY_CREDENTIALS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace registry {

struct Credentials {
  std::string username;
  std::string password;
  std::string identity_token;  // an OAuth refresh token (docker login with a token)

  bool anonymous() const { return username.empty() && password.empty() && identity_token.empty(); }
  // Where they came from, for messages ("config.json auths", "helper docker-credential-x").
  std::string origin;
};

struct DockerConfig {
  nlohmann::json auths = nlohmann::json::object();
  std::string creds_store;
  std::map<std::string, std::string> cred_helpers;
  std::string path;  // the file it came from, empty when none exists

  // Parses config.json text; `where` names it in errors.
  static absl::StatusOr<DockerConfig> Parse(const std::string& text, const std::string& where);
  // $DOCKER_AUTH_CONFIG (config.json contents, as CI systems pass them) when set, else
  // $DOCKER_CONFIG/config.json, else $HOME/.docker/config.json; a missing file is an empty
  // config (anonymous access), a malformed one is an error that never quotes the text.
  static absl::StatusOr<DockerConfig> Load();
};

// Runs `docker-credential-<helper> get` with `server` on stdin; returns its stdout, or an error
// carrying the helper's message. A helper that is not installed is an error.
using HelperRunner = std::function<absl::StatusOr<std::string>(
    const std::string& helper, const std::string& server, bool* not_found)>;
absl::StatusOr<std::string> RunCredentialHelper(const std::string& helper,
                                                const std::string& server, bool* not_found);

// Parses a helper's `get` output {"ServerURL","Username","Secret"}. Username "<token>" means
// Secret is an identity token.
absl::StatusOr<Credentials> ParseHelperOutput(const std::string& output, const std::string& helper);

// Decodes an `auths` entry: "auth" (base64 "user:pass", split at the first ':'),
// "username"/"password", "identitytoken".
absl::StatusOr<Credentials> ParseAuthEntry(const nlohmann::json& entry, const std::string& key);

// The key of `auths` that names `host` ("host", "https://host", "http://host/v1/"...).
std::optional<std::string> FindAuthsKey(const nlohmann::json& auths, absl::string_view host);

// Credentials for `host` (host[:port]): credHelpers[host], else credsStore, else auths.
// A helper saying "credentials not found" means anonymous, as in docker.
absl::StatusOr<Credentials> ResolveCredentials(const DockerConfig& config, const std::string& host,
                                               const HelperRunner& runner = RunCredentialHelper);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_CREDENTIALS_H_
