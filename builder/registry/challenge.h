// WWW-Authenticate challenges (RFC 7235 / RFC 6750) and token scopes (distribution auth).
#ifndef STOWAGE_BUILDER_REGISTRY_CHALLENGE_H_
#define STOWAGE_BUILDER_REGISTRY_CHALLENGE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace stowage {
namespace registry {

struct Challenge {
  std::string scheme;                         // lowercase: "basic", "bearer"
  std::map<std::string, std::string> params;  // lowercase keys: realm, service, scope, error

  std::string Param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? "" : it->second;
  }
};

// Parses a WWW-Authenticate value, which may hold several challenges:
//   Bearer realm="https://a/token",service="reg",scope="repository:x:pull,push", Basic realm="r"
// Quoted strings may contain commas and backslash escapes. Malformed parts are skipped.
std::vector<Challenge> ParseChallenges(absl::string_view header);

// "repository:<name>:<actions>" e.g. RepositoryScope("team/app", {"pull", "push"}).
std::string RepositoryScope(absl::string_view name, const std::vector<std::string>& actions);

// The scopes a push to `name` needs, plus pull on each mount source (other repositories on the
// same registry), sorted and without duplicates.
std::vector<std::string> PushScopes(absl::string_view name,
                                    const std::vector<std::string>& mount_sources);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_CHALLENGE_H_
