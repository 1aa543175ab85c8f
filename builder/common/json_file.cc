#include "builder/common/json_file.h"

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace stowage {

absl::StatusOr<nlohmann::json> ParseJson(const std::string& text, const std::string& where) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("malformed JSON in ", where, ": ", e.what()));
  }
}

absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseJson(text, path);
}

std::string CanonicalJson(const nlohmann::json& value) {
  // error_handler::strict: invalid UTF-8 throws; callers validate strings before this.
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
}

absl::Status WriteJsonFileAtomically(const std::string& path, const nlohmann::json& value) {
  std::string text;
  try {
    text = CanonicalJson(value);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot encode JSON for ", path, ": ", e.what()));
  }
  return WriteFileAtomically(path, text);
}

}  // namespace stowage
