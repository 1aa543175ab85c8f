// Compose files generated from the targets that build the image: compose.yaml (development)
// and compose.prod.yaml (a production override, used as -f compose.yaml -f compose.prod.yaml).
//
// Compose Specification, no obsolete `version:` key. Secrets are never written as values: a
// secret variable becomes NAME: ${NAME:?NAME must be set}, so Compose refuses to start without
// it. No source bind mounts are generated: the image is the artifact, and a mount over it would
// run code that was never built or tested.
#ifndef STOWAGE_BUILDER_DEPLOY_COMPOSE_MANIFEST_H_
#define STOWAGE_BUILDER_DEPLOY_COMPOSE_MANIFEST_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stowage {

struct ComposeSpec {
  std::string label;
  std::string repository;
  std::string tag;     // when set, compose.yaml uses repository:tag; prod always pins the digest
  std::string digest;  // manifest digest (from ImageInfo.descriptor)
  std::string service = "web";
  std::vector<std::string> command;
  std::vector<std::string> ports;
  std::vector<std::string> env_file;
  std::map<std::string, std::string> environment;       // literal, non-secret values
  std::vector<std::string> secret_env;                  // NAME: ${NAME:?NAME must be set}
  std::map<std::string, std::string> prod_environment;  // added by the production override
  std::string restart;                                  // development; empty: Compose default
  std::string prod_restart = "unless-stopped";
  std::string prod_debug = "0";
  // The database service; none when postgres_image is empty.
  std::string postgres_image;
  std::string db_service = "db";
  std::string db_volume = "postgres_data";
  std::string db_user = "postgres";
  std::string db_name = "postgres";
  std::vector<std::string> db_secret_env;  // e.g. POSTGRES_PASSWORD
};

struct ComposeFiles {
  std::string development;  // compose.yaml
  std::string production;   // compose.prod.yaml
};

// The spec JSON written by the compose_file rule; `digest` comes from the descriptor.
absl::StatusOr<ComposeSpec> ComposeSpecFromJson(const nlohmann::json& json,
                                                const std::string& digest);

// "${NAME:?NAME must be set}".
std::string RequiredInterpolation(const std::string& name);

absl::StatusOr<ComposeFiles> GenerateCompose(const ComposeSpec& spec);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_COMPOSE_MANIFEST_H_
