// Docker's config.json (auths, credHelpers, credsStore) and a credential helper's `get`
// output, resolved for a registry host. Input: config.json text, "@@@", the helper's output
// (or "credentials not found"), "@@@", the registry host. "@SECRET@" anywhere in the config or
// the helper output stands for a secret: it must never appear in an error message when the
// text around it is malformed.
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "builder/registry/credentials.h"
#include "nlohmann/json.hpp"
#include "tests/fuzz/fuzz_input.h"

namespace {

constexpr char kSecret[] = "Zq9-canary-secret-7Tn";

void CheckNoSecret(const absl::Status& status, const std::string& what) {
  if (!status.ok() && absl::StrContains(status.message(), kSecret)) {
    stowage::fuzz::InvariantFailed(what + " quotes a secret", std::string(status.message()));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage::registry;
  std::vector<std::string> in = stowage::fuzz::SplitInput(data, size, 3);
  std::string config_text = absl::StrReplaceAll(in[0], {{"@SECRET@", kSecret}});
  std::string helper_output = absl::StrReplaceAll(in[1], {{"@SECRET@", kSecret}});
  const std::string host = in[2].empty() ? "127.0.0.1:5000" : in[2];

  absl::StatusOr<Credentials> helper = ParseHelperOutput(helper_output, "fuzz");
  CheckNoSecret(helper.status(), "a credential helper's output error");

  absl::StatusOr<DockerConfig> config = DockerConfig::Parse(config_text, "config.json");
  stowage::fuzz::Trace("config", config.status());
  if (!config.ok()) {
    bool is_json = nlohmann::json::accept(config_text);
    if (!is_json) CheckNoSecret(config.status(), "a malformed config.json error");
    return 0;
  }
  (void)FindAuthsKey(config->auths, host);
  HelperRunner runner = [&](const std::string&, const std::string&,
                            bool* not_found) -> absl::StatusOr<std::string> {
    *not_found = helper_output == "credentials not found";
    return *not_found ? std::string() : helper_output;
  };
  absl::StatusOr<Credentials> creds = ResolveCredentials(*config, host, runner);
  stowage::fuzz::Trace("resolve", creds.status());
  // Errors may name the host (an auths key) and the helper they ran (credsStore, credHelpers
  // values are program names), never a password or token.
  bool secret_names_a_helper = absl::StrContains(config->creds_store, kSecret);
  for (const auto& entry : config->cred_helpers) {
    secret_names_a_helper = secret_names_a_helper || absl::StrContains(entry.second, kSecret);
  }
  if (!absl::StrContains(host, kSecret) && !secret_names_a_helper) {
    CheckNoSecret(creds.status(), "resolving credentials");
  }
  // The origin names where the credentials came from ("docker-credential-<helper>" or the auths
  // key): it may quote a helper's name, which is configuration, never a secret.
  if (creds.ok() && !secret_names_a_helper && creds->origin.find(kSecret) != std::string::npos) {
    stowage::fuzz::InvariantFailed("credentials' origin quotes a secret", creds->origin);
  }
  return 0;
}
