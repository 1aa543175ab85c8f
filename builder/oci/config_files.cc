#include "builder/oci/config_files.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "builder/oci/image_config.h"

namespace stowage {
namespace oci {

absl::StatusOr<std::map<std::string, std::string>> ParseKeyValueLines(const std::string& text,
                                                                      const std::string& where) {
  std::map<std::string, std::string> out;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    size_t eq = line.find('=');
    if (eq == absl::string_view::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " line ", number, " is not KEY=VALUE: \"", line.substr(0, 80), "\""));
    }
    out[std::string(line.substr(0, eq))] = std::string(line.substr(eq + 1));
  }
  return out;
}

std::vector<std::string> ParseLineList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    out.push_back(absl::StrReplaceAll(line, {{"%5Cn", "\n"}}));
  }
  return out;
}

std::vector<std::string> ParseCommaList(const std::string& text) {
  std::vector<std::string> out;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    item = absl::StripAsciiWhitespace(item);
    if (!item.empty()) out.emplace_back(item);
  }
  return out;
}

absl::StatusOr<std::string> ParseCreated(const std::string& text, const std::string& where) {
  std::string value(absl::StripAsciiWhitespace(text));
  if (value.find('{') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " \"", value,
                     "\" still holds a {KEY} placeholder: set stamp = True (its keys come from "
                     "Bazel's workspace status)"));
  }
  int64_t seconds;
  if (!value.empty() && absl::SimpleAtoi(value, &seconds)) {
    if (seconds < 0 || seconds > 253402300799) {  // 9999-12-31T23:59:59Z
      return absl::InvalidArgumentError(
          absl::StrCat(where, " ", value, " is outside years 1970 to 9999"));
    }
    return FormatRfc3339(seconds);
  }
  absl::Time parsed;
  std::string error;
  if (value.size() < 64 && absl::ParseTime(absl::RFC3339_full, value, &parsed, &error) &&
      parsed >= absl::UnixEpoch()) {
    return value;
  }
  return absl::InvalidArgumentError(
      absl::StrCat(where, " \"", value.substr(0, 64),
                   "\" is neither Unix seconds nor an RFC 3339 date-time such as "
                   "2024-01-31T12:00:00Z"));
}

}  // namespace oci
}  // namespace stowage
