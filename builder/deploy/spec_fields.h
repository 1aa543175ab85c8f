// Typed, error-as-value access to the JSON specs the rules write (heroku_app, compose_file).
#ifndef STOWAGE_BUILDER_DEPLOY_SPEC_FIELDS_H_
#define STOWAGE_BUILDER_DEPLOY_SPEC_FIELDS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stowage {

// A missing or null field gives the fallback / an empty value; a field of the wrong type is an
// error naming `field`.
absl::StatusOr<std::string> SpecString(const nlohmann::json& spec, const std::string& field,
                                       const std::string& fallback = "");
absl::StatusOr<bool> SpecBool(const nlohmann::json& spec, const std::string& field, bool fallback);
absl::StatusOr<std::vector<std::string>> SpecStringList(const nlohmann::json& spec,
                                                        const std::string& field);
// Sorted by key: the same spec always gives the same bytes, whatever order Starlark used.
absl::StatusOr<std::map<std::string, std::string>> SpecStringMap(const nlohmann::json& spec,
                                                                 const std::string& field);

// Fails unless every key of `spec` is one of `known`: a typo in a spec is a bug, not a no-op.
absl::Status SpecOnlyKnownFields(const nlohmann::json& spec, const std::vector<std::string>& known);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_SPEC_FIELDS_H_
