// deb822: the "Field: value" paragraph format of Debian's Packages and Release indexes, package
// control files, dpkg's status database and apt's .sources files (deb822(5)).
//
// The parser never copies: a paragraph's names and values are views into the text it was given,
// so a 50 MB Packages index costs one pass and no per-field allocation. Text from a mirror is
// hostile: every error names the line, nothing throws, and the caller bounds the input size.
#ifndef STOWAGE_BUILDER_DEB_DEB822_H_
#define STOWAGE_BUILDER_DEB_DEB822_H_

#include <cstddef>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

struct Deb822Field {
  absl::string_view name;
  // The value as written: the slice of the text from the first line's first non-blank byte to
  // the end of its last continuation line (continuation lines keep their leading whitespace and
  // are joined by '\n'); the value's final trailing whitespace is cut. A value whose first line
  // is empty (Conffiles, SHA256 in Release) starts with '\n'.
  absl::string_view value;
};

class Deb822Paragraph {
 public:
  // The value of `name` (case-insensitive, as deb822 field names are), or nullptr.
  const Deb822Field* Find(absl::string_view name) const;
  // The value or "" when absent.
  absl::string_view Get(absl::string_view name) const;
  bool Has(absl::string_view name) const { return Find(name) != nullptr; }
  const std::vector<Deb822Field>& fields() const { return fields_; }
  int line() const { return line_; }  // 1-based line of its first field

 private:
  friend class Deb822Parser;
  std::vector<Deb822Field> fields_;
  int line_ = 0;
};

struct Deb822Options {
  // apt's .sources files allow "#" comment lines; indexes and control files do not.
  bool allow_comments = false;
  size_t max_fields_per_paragraph = 512;
  size_t max_paragraphs = 2000000;
  // Debian's longest field names are under 40 bytes; its longest values (the Provides of a
  // Rust crate with every feature) a few hundred KB.
  size_t max_field_name_bytes = 128;
  size_t max_value_bytes = size_t{4} << 20;
};

// Calls `fn` for every paragraph of `text` in order; stops at the first error (from the text or
// from `fn`). `where` names the source in errors ("Packages of bookworm/main/amd64").
// With allow_comments, comment lines must be removed first: see StripDeb822Comments.
absl::Status ForEachDeb822Paragraph(absl::string_view text, absl::string_view where,
                                    const Deb822Options& options,
                                    const std::function<absl::Status(const Deb822Paragraph&)>& fn);

// All paragraphs at once (for small inputs: control files, Release, .sources).
absl::StatusOr<std::vector<Deb822Paragraph>> ParseDeb822(absl::string_view text,
                                                         absl::string_view where,
                                                         const Deb822Options& options = {});

// `text` without its "#" comment lines, for apt's .sources files (values stay views into the
// returned string, so keep it alive while the paragraphs are used).
std::string StripDeb822Comments(absl::string_view text);

// A multi-line value as one line: continuation lines joined by single spaces (for relation
// fields such as Depends, which may be folded over several lines).
std::string FoldDeb822Value(absl::string_view value);

// The lines of a multi-line value (Conffiles, SHA256 in Release), each trimmed, empty lines
// dropped.
std::vector<absl::string_view> Deb822Lines(absl::string_view value);

// Writes a paragraph back as deb822 text, one "Name: value" per field, ending in '\n'.
void AppendDeb822Field(absl::string_view name, absl::string_view value, std::string* out);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_DEB822_H_
