// Typed, exception-free reading of JSON that came from outside (registries, image files,
// specs, docker config.json). nlohmann's get<T>(), value(), at() and const operator[] throw or
// assert on a wrong type or a missing key; a hostile document must give an error value
// instead. Every accessor here checks type, range and caps, and its error names the field
// path and the document:
//   config.rootfs.diff_ids: expected an array, got an object (in base config from REG/REPO)
#ifndef STOWAGE_BUILDER_COMMON_JSON_ACCESS_H_
#define STOWAGE_BUILDER_COMMON_JSON_ACCESS_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "nlohmann/json.hpp"

namespace stowage {

// "an object", "an array", "a string", "an integer", "a number", "true or false", "null".
const char* JsonTypeName(const nlohmann::json& value);

// One value of a document, with its path from the root ("layers[3].mediaType") and the
// document's name. The document must outlive every view on it. Views are cheap to copy.
class JsonView {
 public:
  using Members = std::vector<std::pair<std::string, JsonView>>;
  static constexpr size_t kNoCap = std::numeric_limits<size_t>::max();

  // The root of a document; `source` names it in errors ("manifest from REG/REPO").
  JsonView(const nlohmann::json& root, std::string source);

  const nlohmann::json& json() const { return *value_; }
  // "" for the root.
  const std::string& path() const { return path_; }
  const std::string& source() const { return *source_; }
  bool is_null() const { return value_->is_null(); }
  bool is_object() const { return value_->is_object(); }
  bool is_array() const { return value_->is_array(); }
  bool is_string() const { return value_->is_string(); }

  // InvalidArgument "<path>: <what> (in <source>)".
  absl::Status Error(absl::string_view what) const;

  // ----- this value as a type -----
  // Strings never hold NUL: a NUL would silently cut the name, tag, path or label it becomes.
  absl::StatusOr<std::string> AsString(size_t max_bytes = kNoCap) const;
  // An integer in [min, max]; 3.0 or 1e3 is not an integer.
  absl::StatusOr<int64_t> AsInt(int64_t min, int64_t max) const;
  absl::StatusOr<bool> AsBool() const;
  absl::Status ExpectObject() const;
  absl::StatusOr<std::vector<JsonView>> AsArray(size_t max_items = kNoCap) const;
  // Members of an object, in key order.
  absl::StatusOr<Members> AsObject(size_t max_members = kNoCap) const;
  absl::StatusOr<std::vector<std::string>> AsStringArray(size_t max_items = kNoCap) const;
  absl::StatusOr<std::map<std::string, std::string>> AsStringMap(size_t max_members = kNoCap) const;

  // ----- members of this object -----
  // Each of these fails when this value is not an object. "Absent" means missing or null: the
  // image spec says an optional field set to null is the same as a missing one.
  bool Has(absl::string_view key) const;  // present and not null
  absl::StatusOr<JsonView> Required(absl::string_view key) const;
  // The member, or a null value at its path when absent.
  absl::StatusOr<JsonView> Get(absl::string_view key) const;

  absl::StatusOr<std::string> RequiredString(absl::string_view key,
                                             size_t max_bytes = kNoCap) const;
  absl::StatusOr<std::string> OptionalString(absl::string_view key, std::string fallback = "",
                                             size_t max_bytes = kNoCap) const;
  absl::StatusOr<int64_t> RequiredInt(absl::string_view key, int64_t min, int64_t max) const;
  absl::StatusOr<int64_t> OptionalInt(absl::string_view key, int64_t fallback, int64_t min,
                                      int64_t max) const;
  absl::StatusOr<bool> RequiredBool(absl::string_view key) const;
  absl::StatusOr<bool> OptionalBool(absl::string_view key, bool fallback) const;
  absl::StatusOr<JsonView> RequiredObject(absl::string_view key) const;
  // An absent object reads as an empty one.
  absl::StatusOr<JsonView> OptionalObject(absl::string_view key) const;
  absl::StatusOr<std::vector<JsonView>> RequiredArray(absl::string_view key,
                                                      size_t max_items = kNoCap) const;
  // An absent array reads as an empty one.
  absl::StatusOr<std::vector<JsonView>> OptionalArray(absl::string_view key,
                                                      size_t max_items = kNoCap) const;
  absl::StatusOr<std::vector<std::string>> OptionalStringArray(absl::string_view key,
                                                               size_t max_items = kNoCap) const;
  absl::StatusOr<std::map<std::string, std::string>> OptionalStringMap(
      absl::string_view key, size_t max_members = kNoCap) const;

  // Fails on the first key not in `known`: in a spec a typo is a bug, not a no-op.
  absl::Status OnlyKeys(std::initializer_list<absl::string_view> known) const;

 private:
  JsonView(const nlohmann::json* value, std::string path, std::shared_ptr<const std::string> source)
      : value_(value), path_(std::move(path)), source_(std::move(source)) {}
  JsonView Child(absl::string_view key, const nlohmann::json* value) const;
  JsonView Element(size_t index, const nlohmann::json* value) const;
  absl::Status Expected(absl::string_view want) const;

  const nlohmann::json* value_;
  std::string path_;
  std::shared_ptr<const std::string> source_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_JSON_ACCESS_H_
