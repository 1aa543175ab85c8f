// JSON files: parsing with errors as values, and canonical (sorted, compact) output.
#ifndef STOWAGE_BUILDER_COMMON_JSON_FILE_H_
#define STOWAGE_BUILDER_COMMON_JSON_FILE_H_

#include <string>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace stowage {

// Parses `text`; `where` names the source in the error ("malformed JSON in X: ...").
absl::StatusOr<nlohmann::json> ParseJson(const std::string& text, const std::string& where);

absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path);

// Compact JSON with keys in bytewise order (nlohmann::json keeps objects sorted), and
// non-ASCII characters kept as UTF-8: the same value always gives the same bytes.
std::string CanonicalJson(const nlohmann::json& value);

absl::Status WriteJsonFileAtomically(const std::string& path, const nlohmann::json& value);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_JSON_FILE_H_
