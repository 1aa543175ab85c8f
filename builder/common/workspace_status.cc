#include "builder/common/workspace_status.h"

#include <utility>

#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace stowage {

std::map<std::string, std::string> ParseWorkspaceStatus(const std::string& text) {
  std::map<std::string, std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    size_t space = line.find(' ');
    if (space == absl::string_view::npos) {
      out[std::string(line)] = "";
    } else {
      out[std::string(line.substr(0, space))] = std::string(line.substr(space + 1));
    }
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> ReadWorkspaceStatus(
    const std::vector<std::string>& paths) {
  std::map<std::string, std::string> status;
  for (const std::string& path : paths) {
    if (path.empty()) continue;
    ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    for (auto& [key, value] : ParseWorkspaceStatus(text)) status[key] = std::move(value);
  }
  return status;
}

std::string StampText(const std::string& value, const std::map<std::string, std::string>& status) {
  if (status.empty() || value.find('{') == std::string::npos) return value;
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const auto& [key, v] : status) replacements.emplace_back("{" + key + "}", v);
  return absl::StrReplaceAll(value, replacements);
}

}  // namespace stowage
