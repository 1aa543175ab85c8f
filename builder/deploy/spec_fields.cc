#include "builder/deploy/spec_fields.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace stowage {
namespace {

absl::Status WrongType(const std::string& field, const char* want) {
  return absl::InvalidArgumentError(absl::StrCat("spec field \"", field, "\" must be ", want));
}

bool Absent(const nlohmann::json& spec, const std::string& field) {
  return !spec.is_object() || !spec.contains(field) || spec[field].is_null();
}

}  // namespace

absl::StatusOr<std::string> SpecString(const nlohmann::json& spec, const std::string& field,
                                       const std::string& fallback) {
  if (Absent(spec, field)) return fallback;
  if (!spec[field].is_string()) return WrongType(field, "a string");
  return spec[field].get<std::string>();
}

absl::StatusOr<bool> SpecBool(const nlohmann::json& spec, const std::string& field, bool fallback) {
  if (Absent(spec, field)) return fallback;
  if (!spec[field].is_boolean()) return WrongType(field, "a boolean");
  return spec[field].get<bool>();
}

absl::StatusOr<std::vector<std::string>> SpecStringList(const nlohmann::json& spec,
                                                        const std::string& field) {
  std::vector<std::string> out;
  if (Absent(spec, field)) return out;
  if (!spec[field].is_array()) return WrongType(field, "a list of strings");
  for (const nlohmann::json& item : spec[field]) {
    if (!item.is_string()) return WrongType(field, "a list of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> SpecStringMap(const nlohmann::json& spec,
                                                                 const std::string& field) {
  std::map<std::string, std::string> out;
  if (Absent(spec, field)) return out;
  if (!spec[field].is_object()) return WrongType(field, "a dict of strings");
  for (const auto& [key, value] : spec[field].items()) {
    if (!value.is_string()) return WrongType(field, "a dict of strings");
    out[key] = value.get<std::string>();
  }
  return out;
}

absl::Status SpecOnlyKnownFields(const nlohmann::json& spec,
                                 const std::vector<std::string>& known) {
  if (!spec.is_object()) return absl::InvalidArgumentError("the spec must be a JSON object");
  for (const auto& [key, value] : spec.items()) {
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat("unknown spec field \"", key, "\""));
    }
  }
  return absl::OkStatus();
}

}  // namespace stowage
