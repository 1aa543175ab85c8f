#include "builder/deploy/spec_fields.h"

#include "absl/strings/str_cat.h"
#include "builder/common/json_access.h"

namespace stowage {
namespace {

// Errors read "spec field "x" must be ...": the fields are the rule's attributes.
absl::Status WrongType(const std::string& field, const char* want, const absl::Status& detail) {
  return absl::InvalidArgumentError(
      absl::StrCat("spec field \"", field, "\" must be ", want, " (", detail.message(), ")"));
}

JsonView Spec(const nlohmann::json& spec) { return JsonView(spec, "the spec"); }

}  // namespace

absl::StatusOr<std::string> SpecString(const nlohmann::json& spec, const std::string& field,
                                       const std::string& fallback) {
  absl::StatusOr<std::string> value = Spec(spec).OptionalString(field, fallback);
  if (!value.ok()) return WrongType(field, "a string", value.status());
  return value;
}

absl::StatusOr<bool> SpecBool(const nlohmann::json& spec, const std::string& field, bool fallback) {
  absl::StatusOr<bool> value = Spec(spec).OptionalBool(field, fallback);
  if (!value.ok()) return WrongType(field, "a boolean", value.status());
  return value;
}

absl::StatusOr<std::vector<std::string>> SpecStringList(const nlohmann::json& spec,
                                                        const std::string& field) {
  absl::StatusOr<std::vector<std::string>> value = Spec(spec).OptionalStringArray(field);
  if (!value.ok()) return WrongType(field, "a list of strings", value.status());
  return value;
}

absl::StatusOr<std::map<std::string, std::string>> SpecStringMap(const nlohmann::json& spec,
                                                                 const std::string& field) {
  absl::StatusOr<std::map<std::string, std::string>> value = Spec(spec).OptionalStringMap(field);
  if (!value.ok()) return WrongType(field, "a dict of strings", value.status());
  return value;
}

absl::Status SpecOnlyKnownFields(const nlohmann::json& spec,
                                 const std::vector<std::string>& known) {
  if (!spec.is_object()) return absl::InvalidArgumentError("the spec must be a JSON object");
  for (auto it = spec.begin(); it != spec.end(); ++it) {
    bool found = false;
    for (const std::string& k : known) found = found || k == it.key();
    if (!found)
      return absl::InvalidArgumentError(absl::StrCat("unknown spec field \"", it.key(), "\""));
  }
  return absl::OkStatus();
}

}  // namespace stowage
