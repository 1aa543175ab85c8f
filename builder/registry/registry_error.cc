#include "builder/registry/registry_error.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace registry {

std::string DescribeErrorBody(absl::string_view body) {
  nlohmann::json parsed = nlohmann::json::parse(body.begin(), body.end(), nullptr,
                                                /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("errors") || !parsed["errors"].is_array()) return "";
  std::vector<std::string> parts;
  for (const auto& e : parsed["errors"]) {
    if (!e.is_object()) continue;
    std::string part = e.value("code", std::string("UNKNOWN"));
    if (e.contains("message") && e["message"].is_string()) {
      absl::StrAppend(&part, ": ", e["message"].get<std::string>());
    }
    if (e.contains("detail") && !e["detail"].is_null()) {
      std::string detail =
          e["detail"].is_string() ? e["detail"].get<std::string>() : e["detail"].dump();
      if (detail.size() > 300) detail = detail.substr(0, 300) + "...";
      if (!detail.empty() && detail != "{}" && detail != "[]")
        absl::StrAppend(&part, " (", detail, ")");
    }
    parts.push_back(part);
  }
  return absl::StrJoin(parts, "; ");
}

absl::Status RegistryError(long http_status, absl::string_view body, absl::string_view what) {
  std::string detail = DescribeErrorBody(body);
  if (detail.empty()) {
    absl::string_view text = absl::StripAsciiWhitespace(body);
    text = text.substr(0, text.find('\n'));
    if (text.size() > 200) text = text.substr(0, 200);
    detail = text.empty() ? "no details" : absl::StrCat("\"", text, "\"");
  }
  std::string message = absl::StrCat(what, ": HTTP ", http_status, ": ", detail);
  if (http_status == 401) {
    return absl::PermissionDeniedError(
        absl::StrCat(message, " (check credentials in the docker config or credential helper)"));
  }
  if (http_status == 403) return absl::PermissionDeniedError(message);
  if (http_status == 404) return absl::NotFoundError(message);
  if (http_status == 429 || http_status >= 500) return absl::UnavailableError(message);
  if (http_status == 400) return absl::InvalidArgumentError(message);
  return absl::FailedPreconditionError(message);
}

}  // namespace registry
}  // namespace stowage
