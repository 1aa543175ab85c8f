#include "builder/static/url_patterns.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/static/py_compat.h"

namespace stowage {
namespace {

bool IsQuote(char c) { return c == '"' || c == '\''; }

// css_url at `p`: url\( ['"]? \s* (.*?) ["']? \)
// With the optional opening quote taken when present and the whitespace run taken whole, the
// lazy group ends at the first ')' (or quote followed by ')') on the same line; CPython's
// backtracking into fewer spaces or no opening quote cannot find an earlier end.
std::optional<PatternMatch> MatchCssUrl(absl::string_view s, size_t p) {
  if (p + 4 > s.size() || !absl::EqualsIgnoreCase(s.substr(p, 3), "url") || s[p + 3] != '(') {
    return std::nullopt;
  }
  size_t b = p + 4;
  if (b < s.size() && IsQuote(s[b])) ++b;
  size_t c = b + py::SpaceRun(s, b);
  for (size_t d = c; d < s.size() && s[d] != '\n'; ++d) {
    if (IsQuote(s[d]) && d + 1 < s.size() && s[d + 1] == ')') return PatternMatch{p, d + 2, c, d};
    if (s[d] == ')') return PatternMatch{p, d + 1, c, d};
  }
  return std::nullopt;
}

// Length of "import" at `p` under IGNORECASE: CPython also folds U+0130 and U+0131 to 'i'.
size_t MatchImportWord(absl::string_view s, size_t p) {
  size_t i = p;
  if (i < s.size() && (s[i] == 'i' || s[i] == 'I')) {
    i += 1;
  } else if (i + 1 < s.size() && s[i] == '\xC4' && (s[i + 1] == '\xB0' || s[i + 1] == '\xB1')) {
    i += 2;
  } else {
    return 0;
  }
  if (i + 5 > s.size() || !absl::EqualsIgnoreCase(s.substr(i, 5), "mport")) return 0;
  return i + 5 - p;
}

// css_import at `p`: @import \s* ["'] \s* (.*?) ["']
std::optional<PatternMatch> MatchCssImport(absl::string_view s, size_t p) {
  if (s[p] != '@') return std::nullopt;
  size_t word = MatchImportWord(s, p + 1);
  if (word == 0) return std::nullopt;
  size_t q = p + 1 + word;
  q += py::SpaceRun(s, q);
  if (q >= s.size() || !IsQuote(s[q])) return std::nullopt;
  size_t c = q + 1 + py::SpaceRun(s, q + 1);
  for (size_t d = c; d < s.size() && s[d] != '\n'; ++d) {
    if (IsQuote(s[d])) return PatternMatch{p, d + 1, c, d};
  }
  return std::nullopt;
}

size_t LineEnd(absl::string_view s, size_t p) {
  size_t e = s.find('\n', p);
  return e == absl::string_view::npos ? s.size() : e;
}

// css_source_map on the line starting at `p`. The greedy url group gives back only what the
// tail needs: the line must end with "*/", and the url is everything before it (trailing
// blanks included).
std::optional<PatternMatch> MatchCssSourceMap(absl::string_view s, size_t p) {
  static constexpr absl::string_view kKey = "sourceMappingURL=";
  if (!absl::StartsWith(s.substr(p), "/*#") || p + 3 >= s.size() ||
      (s[p + 3] != ' ' && s[p + 3] != '\t') || !absl::StartsWith(s.substr(p + 4), kKey)) {
    return std::nullopt;
  }
  size_t url_begin = p + 4 + kKey.size();
  size_t e = LineEnd(s, p);
  if (e < url_begin + 2 || s.substr(e - 2, 2) != "*/") return std::nullopt;
  return PatternMatch{p, e, url_begin, e - 2};
}

// js_source_map on the line starting at `p`: the url is the rest of the line.
std::optional<PatternMatch> MatchJsSourceMap(absl::string_view s, size_t p) {
  static constexpr absl::string_view kKey = "//# sourceMappingURL=";
  if (!absl::StartsWith(s.substr(p), kKey)) return std::nullopt;
  size_t e = LineEnd(s, p);
  return PatternMatch{p, e, p + kKey.size(), e};
}

}  // namespace

std::optional<PatternMatch> FindNextMatch(PatternKind kind, absl::string_view s, size_t from) {
  switch (kind) {
    case PatternKind::kCssUrl:
    case PatternKind::kCssImport: {
      char first = kind == PatternKind::kCssUrl ? 'u' : '@';
      for (size_t p = from; p < s.size(); ++p) {
        char c = s[p];
        if (c != first && !(first == 'u' && c == 'U')) continue;
        auto m = kind == PatternKind::kCssUrl ? MatchCssUrl(s, p) : MatchCssImport(s, p);
        if (m) return m;
      }
      return std::nullopt;
    }
    case PatternKind::kCssSourceMap:
    case PatternKind::kJsSourceMap: {
      size_t p = from;
      if (p > 0 && p <= s.size() && s[p - 1] != '\n') {
        p = s.find('\n', p);
        if (p == absl::string_view::npos) return std::nullopt;
        ++p;
      }
      while (p <= s.size()) {
        auto m =
            kind == PatternKind::kCssSourceMap ? MatchCssSourceMap(s, p) : MatchJsSourceMap(s, p);
        if (m) return m;
        size_t e = s.find('\n', p);
        if (e == absl::string_view::npos) return std::nullopt;
        p = e + 1;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::string ApplyTemplate(PatternKind kind, absl::string_view url) {
  switch (kind) {
    case PatternKind::kCssUrl:
      return absl::StrCat("url(\"", url, "\")");
    case PatternKind::kCssImport:
      return absl::StrCat("@import url(\"", url, "\")");
    case PatternKind::kCssSourceMap:
      return absl::StrCat("/*# sourceMappingURL=", url, " */");
    case PatternKind::kJsSourceMap:
      return absl::StrCat("//# sourceMappingURL=", url);
  }
  return std::string(url);
}

std::vector<PatternKind> PatternsFor(DjangoVersion version, absl::string_view name) {
  if (py::FnmatchCase(name, "*.css")) {
    if (version == DjangoVersion::k3_2) return {PatternKind::kCssUrl, PatternKind::kCssImport};
    return {PatternKind::kCssUrl, PatternKind::kCssImport, PatternKind::kCssSourceMap};
  }
  if (version == DjangoVersion::k4_2 && py::FnmatchCase(name, "*.js")) {
    return {PatternKind::kJsSourceMap};
  }
  return {};
}

bool IsAdjustable(DjangoVersion version, absl::string_view name) {
  return !PatternsFor(version, name).empty();
}

absl::StatusOr<std::string> Substitute(
    PatternKind kind, absl::string_view text,
    const std::function<absl::StatusOr<std::string>(const PatternMatch&)>& converter) {
  std::string out;
  size_t pos = 0;
  while (auto m = FindNextMatch(kind, text, pos)) {
    out.append(text.data() + pos, m->begin - pos);
    ASSIGN_OR_RETURN(std::string replacement, converter(*m));
    out += replacement;
    pos = m->end;
  }
  out.append(text.data() + pos, text.size() - pos);
  return out;
}

}  // namespace stowage
