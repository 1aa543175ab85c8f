// Environment handling for image configs: `KEY=VALUE` lists, merging and `$VAR` expansion.
#ifndef STOWAGE_BUILDER_OCI_ENV_H_
#define STOWAGE_BUILDER_OCI_ENV_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace oci {

// An ordered environment: the order of first definition is kept, as in a Dockerfile.
using EnvList = std::vector<std::pair<std::string, std::string>>;

// Parses a config's `Env` entries ("KEY=VALUE"); an entry without '=' or without a key is an
// error. `where` names the source in errors.
absl::StatusOr<EnvList> ParseEnvEntries(const std::vector<std::string>& entries,
                                        const std::string& where);

// Checks a variable name: non-empty, no '=' and no NUL.
absl::Status ValidateEnvKey(absl::string_view key);

// Expands `$VAR` and `${VAR}` in `value` from `vars` (unknown names expand to ""), as Docker
// does for ENV. `\$` is a literal '$'.
std::string ExpandEnvValue(absl::string_view value, const EnvList& vars);

// `overrides` (sorted by key) applied over `base`: each value is expanded against the base
// environment, existing keys keep their position, new keys follow in key order.
absl::StatusOr<EnvList> MergeEnv(const EnvList& base,
                                 const std::map<std::string, std::string>& overrides);

std::vector<std::string> FormatEnv(const EnvList& env);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_ENV_H_
