// JSON documents: parsing with errors as values (never an exception), bounded in size and
// nesting, and canonical (sorted, compact) output.
#ifndef STOWAGE_BUILDER_COMMON_JSON_FILE_H_
#define STOWAGE_BUILDER_COMMON_JSON_FILE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "builder/common/limits.h"
#include "nlohmann/json.hpp"

namespace stowage {

// Parses `text`; `where` names the source in the error ("malformed JSON in X: ..."). Text over
// `max_bytes` or nested deeper than limits::kMaxJsonDepth is refused. The error never quotes
// the text (it may be a secret, or bytes a server chose): it gives the line and column.
absl::StatusOr<nlohmann::json> ParseJson(const std::string& text, const std::string& where,
                                         int64_t max_bytes = limits::kMaxJsonBytes);

// Reads at most `max_bytes` of `path` (a larger file is an error, not a partial read) and
// parses it.
absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path,
                                            int64_t max_bytes = limits::kMaxJsonBytes);

// Compact JSON with keys in bytewise order (nlohmann::json keeps objects sorted), and
// non-ASCII characters kept as UTF-8: the same value always gives the same bytes. A string
// that is not valid UTF-8 (from a file name, a flag, a header) is an error naming `what`.
absl::StatusOr<std::string> CanonicalJson(const nlohmann::json& value,
                                          const std::string& what = "a JSON document");

// For people, not for digests: indented, and invalid UTF-8 replaced by U+FFFD. Never fails.
std::string JsonForDisplay(const nlohmann::json& value, int indent = 2);

absl::Status WriteJsonFileAtomically(const std::string& path, const nlohmann::json& value);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_JSON_FILE_H_
