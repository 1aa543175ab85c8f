// Bazel's workspace status (stable-status.txt, volatile-status.txt) and "{KEY}" stamping, shared
// by `stowage image` (labels, annotations) and `stowage push` (tags).
#ifndef STOWAGE_BUILDER_COMMON_WORKSPACE_STATUS_H_
#define STOWAGE_BUILDER_COMMON_WORKSPACE_STATUS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace stowage {

// Parses Bazel's status text: "KEY value" per line (a line without a space is a key with an
// empty value).
std::map<std::string, std::string> ParseWorkspaceStatus(const std::string& text);

// Reads and merges status files, later files winning (pass stable, then volatile). Empty paths
// are skipped.
absl::StatusOr<std::map<std::string, std::string>> ReadWorkspaceStatus(
    const std::vector<std::string>& paths);

// Replaces every "{KEY}" whose KEY is in `status` by its value; other text is kept as it is.
std::string StampText(const std::string& value, const std::map<std::string, std::string>& status);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_WORKSPACE_STATUS_H_
