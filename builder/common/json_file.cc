#include "builder/common/json_file.h"

#include <new>

#include "absl/strings/str_cat.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

// nlohmann's parse_error text, without the "last read: '...'" part that quotes the input.
std::string ParseErrorText(const nlohmann::json::exception& e) {
  std::string text = e.what();
  if (size_t prefix = text.find("] ");
      text.rfind("[json.exception", 0) == 0 && prefix != std::string::npos) {
    text = text.substr(prefix + 2);
  }
  if (size_t quoted = text.find("; last read"); quoted != std::string::npos) text.resize(quoted);
  for (char& c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return text;
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseJson(const std::string& text, const std::string& where,
                                         int64_t max_bytes) {
  if (static_cast<int64_t>(text.size()) > max_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat(where, " has ", text.size(), " bytes, more than the limit of ", max_bytes));
  }
  // The callback only watches the depth: values deeper than the cap are dropped as they are
  // read (no recursion, no memory), and the document is refused.
  bool too_deep = false;
  nlohmann::json::parser_callback_t watch_depth =
      [&too_deep](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
        if ((event == nlohmann::json::parse_event_t::object_start ||
             event == nlohmann::json::parse_event_t::array_start) &&
            depth >= limits::kMaxJsonDepth) {
          too_deep = true;
          return false;
        }
        return true;
      };
  try {
    nlohmann::json value = nlohmann::json::parse(text, watch_depth);
    if (too_deep) {
      return absl::InvalidArgumentError(absl::StrCat("malformed JSON in ", where,
                                                     ": nested more than ", limits::kMaxJsonDepth,
                                                     " levels deep"));
    }
    return value;
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("malformed JSON in ", where, ": ", ParseErrorText(e)));
  } catch (const std::bad_alloc&) {
    return absl::ResourceExhaustedError(absl::StrCat("out of memory parsing ", where));
  }
}

absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path, int64_t max_bytes) {
  ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, max_bytes));
  return ParseJson(text, path, max_bytes);
}

absl::StatusOr<std::string> CanonicalJson(const nlohmann::json& value, const std::string& what) {
  try {
    // error_handler_t::strict: bytes that are not UTF-8 never reach an output silently changed.
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot write ", what, ": a string in it is not valid UTF-8"));
  }
}

std::string JsonForDisplay(const nlohmann::json& value, int indent) {
  return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

absl::Status WriteJsonFileAtomically(const std::string& path, const nlohmann::json& value) {
  ASSIGN_OR_RETURN(std::string text, CanonicalJson(value, path));
  return WriteFileAtomically(path, text);
}

}  // namespace stowage
