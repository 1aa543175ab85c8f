#include "builder/registry/registry_error.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/json_file.h"
#include "builder/net/server_text.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace registry {
namespace {

// How many entries of an "errors" array a message lists.
constexpr size_t kMaxErrorsShown = 5;

// A field of an error entry as text: strings as they are, other JSON (numbers, objects) as
// JSON; never an exception, whatever the type.
std::string FieldText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

std::string DescribeErrorBody(absl::string_view body) {
  // Bounded in size and nesting (a deeply nested "detail" would recurse when dumped).
  absl::StatusOr<nlohmann::json> document = ParseJson(std::string(body), "an error body");
  if (!document.ok()) return "";
  const nlohmann::json& parsed = *document;
  if (!parsed.is_object()) return "";
  auto errors = parsed.find("errors");
  if (errors == parsed.end() || !errors->is_array()) return "";
  std::vector<std::string> parts;
  for (const nlohmann::json& e : *errors) {
    if (parts.size() == kMaxErrorsShown) {
      parts.push_back(absl::StrCat("and ", errors->size() - kMaxErrorsShown, " more"));
      break;
    }
    if (!e.is_object()) continue;
    auto code = e.find("code");
    std::string part = code != e.end() && !code->is_null() ? net::ServerText(FieldText(*code), 100)
                                                           : std::string("UNKNOWN");
    auto message = e.find("message");
    if (message != e.end() && !message->is_null()) {
      absl::StrAppend(&part, ": ", net::ServerText(FieldText(*message), 300));
    }
    auto detail = e.find("detail");
    if (detail != e.end() && !detail->is_null()) {
      std::string text = FieldText(*detail);
      if (!text.empty() && text != "{}" && text != "[]") {
        absl::StrAppend(&part, " (", net::ServerText(text, 300), ")");
      }
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
    detail = text.empty() ? "no details" : absl::StrCat("\"", net::ServerText(text, 200), "\"");
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
