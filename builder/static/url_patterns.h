// The reference patterns of Django's HashedFilesMixin, matched exactly as Python's `re` module
// matches them (IGNORECASE, lazy and greedy groups, MULTILINE anchors), without a regex engine:
// each pattern is simple enough for a direct scanner, and a scanner gives the same match
// boundaries as CPython's backtracking on every input.
//
//   css_url         (url\(['"]{0,1}\s*(.*?)["']{0,1}\))               -> url("%s")
//   css_import      (@import\s*["']\s*(.*?)["'])                      -> @import url("%s")
//   css_source_map  (?m)^(/\*#[ \t](?-i:sourceMappingURL)=(.*)[ \t]*\*/)$
//                                                                     -> /*# sourceMappingURL=%s */
//   js_source_map   (?m)^(//# (?-i:sourceMappingURL)=(.*))$           -> //# sourceMappingURL=%s
//
// Django 3.2 has the first two for *.css; 4.2 adds the source map patterns (*.css and *.js).
#ifndef STOWAGE_BUILDER_STATIC_URL_PATTERNS_H_
#define STOWAGE_BUILDER_STATIC_URL_PATTERNS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

enum class DjangoVersion { k3_2, k4_2 };

enum class PatternKind { kCssUrl, kCssImport, kCssSourceMap, kJsSourceMap };

struct PatternMatch {
  size_t begin = 0;  // the whole match ("matched")
  size_t end = 0;
  size_t url_begin = 0;  // the url group
  size_t url_end = 0;
};

// The first match starting at or after `from` (re.search semantics on a UTF-8 string).
std::optional<PatternMatch> FindNextMatch(PatternKind kind, absl::string_view text, size_t from);

// The replacement text for a rewritten url.
std::string ApplyTemplate(PatternKind kind, absl::string_view url);

// The patterns Django applies to a file, in order (its `patterns` tuple), chosen by
// fnmatchcase on "*.css" / "*.js".
std::vector<PatternKind> PatternsFor(DjangoVersion version, absl::string_view name);

// True when some pattern applies to `name` (Django's "adjustable" files).
bool IsAdjustable(DjangoVersion version, absl::string_view name);

// re.sub(pattern, converter, text): `converter` gets the match and returns its replacement.
// The first error stops the substitution and is returned.
absl::StatusOr<std::string> Substitute(
    PatternKind kind, absl::string_view text,
    const std::function<absl::StatusOr<std::string>(const PatternMatch&)>& converter);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_URL_PATTERNS_H_
