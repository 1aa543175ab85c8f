#include "builder/common/json_access.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace stowage {
namespace {

const nlohmann::json& Null() {
  static const nlohmann::json* null = new nlohmann::json();
  return *null;
}

const nlohmann::json& EmptyObject() {
  static const nlohmann::json* object = new nlohmann::json(nlohmann::json::object());
  return *object;
}

bool IsPlainKey(absl::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// A key as it appears in a path: keys come from the document, so control characters are
// escaped and long keys cut; the path is for a person reading an error line.
std::string QuotedKey(absl::string_view key) {
  constexpr size_t kShown = 64;
  std::string out = "[\"";
  for (size_t i = 0; i < key.size() && i < kShown; ++i) {
    unsigned char c = static_cast<unsigned char>(key[i]);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20 || c == 0x7f) {
      absl::StrAppendFormat(&out, "\\x%02x", c);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (key.size() > kShown) out += "...";
  out += "\"]";
  return out;
}

}  // namespace

const char* JsonTypeName(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::object:
      return "an object";
    case nlohmann::json::value_t::array:
      return "an array";
    case nlohmann::json::value_t::string:
      return "a string";
    case nlohmann::json::value_t::boolean:
      return "true or false";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "an integer";
    case nlohmann::json::value_t::number_float:
      return "a number";
    case nlohmann::json::value_t::binary:
      return "binary data";
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::discarded:
      break;
  }
  return "nothing";
}

JsonView::JsonView(const nlohmann::json& root, std::string source)
    : value_(&root), source_(std::make_shared<const std::string>(std::move(source))) {}

JsonView JsonView::Child(absl::string_view key, const nlohmann::json* value) const {
  std::string path = path_;
  if (IsPlainKey(key)) {
    if (!path.empty()) path.push_back('.');
    absl::StrAppend(&path, key);
  } else {
    absl::StrAppend(&path, QuotedKey(key));
  }
  return JsonView(value, std::move(path), source_);
}

JsonView JsonView::Element(size_t index, const nlohmann::json* value) const {
  return JsonView(value, absl::StrCat(path_, "[", index, "]"), source_);
}

absl::Status JsonView::Error(absl::string_view what) const {
  std::string where = source_->empty() ? "" : absl::StrCat(" (in ", *source_, ")");
  if (path_.empty()) return absl::InvalidArgumentError(absl::StrCat(what, where));
  return absl::InvalidArgumentError(absl::StrCat(path_, ": ", what, where));
}

absl::Status JsonView::Expected(absl::string_view want) const {
  return Error(absl::StrCat("expected ", want, ", got ", JsonTypeName(*value_)));
}

absl::StatusOr<std::string> JsonView::AsString(size_t max_bytes) const {
  if (!value_->is_string()) return Expected("a string");
  const std::string& s = value_->get_ref<const std::string&>();
  if (s.size() > max_bytes) {
    return Error(
        absl::StrCat("a string of ", s.size(), " bytes is longer than the limit of ", max_bytes));
  }
  if (s.find('\0') != std::string::npos) return Error("the string contains a NUL byte");
  return s;
}

absl::StatusOr<int64_t> JsonView::AsInt(int64_t min, int64_t max) const {
  auto out_of_range = [&]() {
    return Error(absl::StrCat("expected an integer from ", min, " to ", max, ", got ",
                              value_->dump()));  // a number's dump never throws
  };
  if (value_->is_number_unsigned()) {
    uint64_t v = value_->get<uint64_t>();
    if (max < 0 || v > static_cast<uint64_t>(max)) return out_of_range();
    if (static_cast<int64_t>(v) < min) return out_of_range();
    return static_cast<int64_t>(v);
  }
  if (value_->is_number_integer()) {
    int64_t v = value_->get<int64_t>();
    if (v < min || v > max) return out_of_range();
    return v;
  }
  return Expected("an integer");
}

absl::StatusOr<bool> JsonView::AsBool() const {
  if (!value_->is_boolean()) return Expected("true or false");
  return value_->get<bool>();
}

absl::Status JsonView::ExpectObject() const {
  if (!value_->is_object()) return Expected("an object");
  return absl::OkStatus();
}

absl::StatusOr<std::vector<JsonView>> JsonView::AsArray(size_t max_items) const {
  if (!value_->is_array()) return Expected("an array");
  if (value_->size() > max_items) {
    return Error(absl::StrCat("an array of ", value_->size(), " items is longer than the limit of ",
                              max_items));
  }
  std::vector<JsonView> out;
  out.reserve(value_->size());
  for (size_t i = 0; i < value_->size(); ++i) out.push_back(Element(i, &(*value_)[i]));
  return out;
}

absl::StatusOr<JsonView::Members> JsonView::AsObject(size_t max_members) const {
  if (!value_->is_object()) return Expected("an object");
  if (value_->size() > max_members) {
    return Error(absl::StrCat("an object of ", value_->size(),
                              " members is larger than the limit of ", max_members));
  }
  Members out;
  out.reserve(value_->size());
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    out.emplace_back(it.key(), Child(it.key(), &it.value()));
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> JsonView::AsStringArray(size_t max_items) const {
  absl::StatusOr<std::vector<JsonView>> items = AsArray(max_items);
  if (!items.ok()) return items.status();
  std::vector<std::string> out;
  out.reserve(items->size());
  for (const JsonView& item : *items) {
    absl::StatusOr<std::string> s = item.AsString();
    if (!s.ok()) return s.status();
    out.push_back(*std::move(s));
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> JsonView::AsStringMap(size_t max_members) const {
  absl::StatusOr<Members> members = AsObject(max_members);
  if (!members.ok()) return members.status();
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : *members) {
    if (key.find('\0') != std::string::npos) return value.Error("the key contains a NUL byte");
    absl::StatusOr<std::string> s = value.AsString();
    if (!s.ok()) return s.status();
    out[key] = *std::move(s);
  }
  return out;
}

bool JsonView::Has(absl::string_view key) const {
  if (!value_->is_object()) return false;
  auto it = value_->find(std::string(key));
  return it != value_->end() && !it->is_null();
}

absl::StatusOr<JsonView> JsonView::Get(absl::string_view key) const {
  if (!value_->is_object()) return Expected("an object");
  auto it = value_->find(std::string(key));
  if (it == value_->end()) return Child(key, &Null());
  return Child(key, &*it);
}

absl::StatusOr<JsonView> JsonView::Required(absl::string_view key) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return member->Error("required, but missing");
  return member;
}

absl::StatusOr<std::string> JsonView::RequiredString(absl::string_view key,
                                                     size_t max_bytes) const {
  absl::StatusOr<JsonView> member = Required(key);
  if (!member.ok()) return member.status();
  return member->AsString(max_bytes);
}

absl::StatusOr<std::string> JsonView::OptionalString(absl::string_view key, std::string fallback,
                                                     size_t max_bytes) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return fallback;
  return member->AsString(max_bytes);
}

absl::StatusOr<int64_t> JsonView::RequiredInt(absl::string_view key, int64_t min,
                                              int64_t max) const {
  absl::StatusOr<JsonView> member = Required(key);
  if (!member.ok()) return member.status();
  return member->AsInt(min, max);
}

absl::StatusOr<int64_t> JsonView::OptionalInt(absl::string_view key, int64_t fallback, int64_t min,
                                              int64_t max) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return fallback;
  return member->AsInt(min, max);
}

absl::StatusOr<bool> JsonView::RequiredBool(absl::string_view key) const {
  absl::StatusOr<JsonView> member = Required(key);
  if (!member.ok()) return member.status();
  return member->AsBool();
}

absl::StatusOr<bool> JsonView::OptionalBool(absl::string_view key, bool fallback) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return fallback;
  return member->AsBool();
}

absl::StatusOr<JsonView> JsonView::RequiredObject(absl::string_view key) const {
  absl::StatusOr<JsonView> member = Required(key);
  if (!member.ok()) return member.status();
  absl::Status object = member->ExpectObject();
  if (!object.ok()) return object;
  return member;
}

absl::StatusOr<JsonView> JsonView::OptionalObject(absl::string_view key) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return Child(key, &EmptyObject());
  absl::Status object = member->ExpectObject();
  if (!object.ok()) return object;
  return member;
}

absl::StatusOr<std::vector<JsonView>> JsonView::RequiredArray(absl::string_view key,
                                                              size_t max_items) const {
  absl::StatusOr<JsonView> member = Required(key);
  if (!member.ok()) return member.status();
  return member->AsArray(max_items);
}

absl::StatusOr<std::vector<JsonView>> JsonView::OptionalArray(absl::string_view key,
                                                              size_t max_items) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return std::vector<JsonView>();
  return member->AsArray(max_items);
}

absl::StatusOr<std::vector<std::string>> JsonView::OptionalStringArray(absl::string_view key,
                                                                       size_t max_items) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return std::vector<std::string>();
  return member->AsStringArray(max_items);
}

absl::StatusOr<std::map<std::string, std::string>> JsonView::OptionalStringMap(
    absl::string_view key, size_t max_members) const {
  absl::StatusOr<JsonView> member = Get(key);
  if (!member.ok()) return member.status();
  if (member->is_null()) return std::map<std::string, std::string>();
  return member->AsStringMap(max_members);
}

absl::Status JsonView::OnlyKeys(std::initializer_list<absl::string_view> known) const {
  if (!value_->is_object()) return Expected("an object");
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (std::find(known.begin(), known.end(), it.key()) == known.end()) {
      return Child(it.key(), &it.value()).Error("unknown key");
    }
  }
  return absl::OkStatus();
}

}  // namespace stowage
