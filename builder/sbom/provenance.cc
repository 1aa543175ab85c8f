#include "builder/sbom/provenance.h"

#include "absl/strings/str_cat.h"
#include "builder/common/capped_read.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/common/workspace_status.h"
#include "builder/digest/sha256.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace sbom {

absl::StatusOr<std::string> ProvenanceFromSpec(const std::string& spec_path) {
  using nlohmann::json;
  ASSIGN_OR_RETURN(json j, ReadJsonFile(spec_path, limits::kMaxSpecBytes));
  JsonView spec(j, spec_path);
  RETURN_IF_ERROR(
      spec.OnlyKeys({"target", "manifest", "builderId", "base", "lockfiles", "status"}));
  ASSIGN_OR_RETURN(std::string target, spec.RequiredString("target", 4096));
  ASSIGN_OR_RETURN(std::string builder_id, spec.RequiredString("builderId", 4096));
  ASSIGN_OR_RETURN(std::string manifest_path, spec.RequiredString("manifest", 4096));
  ASSIGN_OR_RETURN(std::string manifest, ReadFileCapped(manifest_path, limits::kMaxManifestBytes));

  json deps = json::array();
  ASSIGN_OR_RETURN(std::vector<std::string> status_files, spec.OptionalStringArray("status", 4));
  ASSIGN_OR_RETURN(auto status, ReadWorkspaceStatus(status_files));
  auto commit = status.find("STABLE_GIT_COMMIT");
  if (commit != status.end() && !commit->second.empty()) {
    json source = {{"name", "source"}, {"digest", {{"gitCommit", commit->second}}}};
    auto remote = status.find("STABLE_GIT_REMOTE");
    if (remote != status.end() && !remote->second.empty()) {
      source["uri"] = absl::StrCat("git+", remote->second);
    }
    deps.push_back(std::move(source));
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> lockfiles, spec.OptionalArray("lockfiles", 1000));
  for (const JsonView& l : lockfiles) {
    ASSIGN_OR_RETURN(std::string name, l.RequiredString("name", 4096));
    ASSIGN_OR_RETURN(std::string path, l.RequiredString("path", 4096));
    ASSIGN_OR_RETURN(std::string digest, Sha256OfFile(path));
    deps.push_back({{"name", name}, {"digest", {{"sha256", std::string(DigestHex(digest))}}}});
  }
  ASSIGN_OR_RETURN(JsonView base, spec.OptionalObject("base"));
  if (base.Has("descriptor")) {
    ASSIGN_OR_RETURN(std::string base_target, base.RequiredString("target", 4096));
    ASSIGN_OR_RETURN(std::string path, base.RequiredString("descriptor", 4096));
    ASSIGN_OR_RETURN(json d, ReadJsonFile(path, limits::kMaxDescriptorBytes));
    ASSIGN_OR_RETURN(std::string digest, JsonView(d, path).RequiredString("digest", 200));
    RETURN_IF_ERROR(ValidateDigest(digest));
    deps.push_back({{"name", "base image"},
                    {"uri", base_target},
                    {"digest", {{"sha256", std::string(DigestHex(digest))}}}});
  }
  json predicate = {
      {"buildDefinition",
       {{"buildType", kSlsaBuildType},
        {"externalParameters", {{"target", target}}},
        {"internalParameters", {{"manifestDigest", Sha256Digest(manifest)}}},
        {"resolvedDependencies", deps}}},
      {"runDetails", {{"builder", {{"id", builder_id}}}}},
  };
  return CanonicalJson(predicate, "the provenance predicate");
}

}  // namespace sbom
}  // namespace stowage
