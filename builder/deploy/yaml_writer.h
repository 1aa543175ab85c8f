// A small YAML document model (scalars, lists, ordered maps) emitted with yaml-cpp.
//
// Generated manifests (heroku.yml, Compose files) only need this subset. Quoting is decided
// here, conservatively: a scalar stays plain only when every YAML 1.1 and 1.2 reader (Heroku's,
// PyYAML in docker-compose v1, Go's yaml in Compose v2) reads it back as the same string;
// anything else is double-quoted ("1", "no", "8000:8000", "${SECRET_KEY:?...}").
#ifndef STOWAGE_BUILDER_DEPLOY_YAML_WRITER_H_
#define STOWAGE_BUILDER_DEPLOY_YAML_WRITER_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

class YamlNode {
 public:
  enum class Kind { kScalar, kList, kMap };

  static YamlNode Scalar(std::string value);
  // An integer, written plain (Compose wants `retries: 5`, not "5").
  static YamlNode Number(long long value);
  static YamlNode List();
  static YamlNode Map();
  // A list of scalars.
  static YamlNode StringList(const std::vector<std::string>& items);

  Kind kind() const { return kind_; }
  const std::string& scalar() const { return scalar_; }
  bool is_number() const { return is_number_; }
  const std::vector<YamlNode>& items() const { return items_; }
  const std::vector<std::pair<std::string, YamlNode>>& entries() const { return entries_; }

  // Appends to a list.
  YamlNode& Append(YamlNode item);
  // Sets a map key, keeping the first insertion's position when the key already exists.
  YamlNode& Set(const std::string& key, YamlNode value);
  YamlNode& Set(const std::string& key, const std::string& value) {
    return Set(key, Scalar(value));
  }
  bool empty() const { return kind_ == Kind::kList ? items_.empty() : entries_.empty(); }

 private:
  explicit YamlNode(Kind kind) : kind_(kind) {}

  Kind kind_;
  std::string scalar_;
  bool is_number_ = false;
  std::vector<YamlNode> items_;
  std::vector<std::pair<std::string, YamlNode>> entries_;
};

// True unless `s` is a plain scalar that every YAML reader reads back as this same string.
bool YamlNeedsQuotes(absl::string_view s);

// Text safe inside one "# ..." comment line (YAML, Dockerfile): every line break YAML or a
// Dockerfile knows (\n, \r, NEL, LS, PS), every other control character and the
// non-characters U+FFFE and U+FFFF (not printable in YAML) become spaces,
// so no input (a label from a spec, say) can end the comment and add keys or instructions.
std::string CommentText(absl::string_view text);

// Emits `root` as a block-style YAML document ending in a newline. `header` lines (without
// "# ") are written first as comments (through CommentText). Every scalar that is not a plain
// word is double-quoted with escapes, so no value can add keys. Fails on scalars that are not
// valid UTF-8.
absl::StatusOr<std::string> EmitYaml(const YamlNode& root, const std::vector<std::string>& header);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_YAML_WRITER_H_
