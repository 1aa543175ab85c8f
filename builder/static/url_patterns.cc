#include "builder/static/url_patterns.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/static/py_compat.h"

namespace stowage {
namespace {

bool IsQuote(char c) { return c == '"' || c == '\''; }

// The first of `chars` at or after a position, remembered: one search answers every later
// question whose start is not past the answer. The candidates of one FindNextMatch call ask
// with ever larger starts, so a line of "url(" with no ")" is read once, not once per "url("
// (which made a hostile stylesheet cost quadratic time).
class NextOf {
 public:
  NextOf(absl::string_view s, absl::string_view chars) : s_(s), chars_(chars) {}
  size_t From(size_t from) {
    // Known: nothing in [from_, found_) is one of `chars`, and found_ is (or there is none).
    bool known = valid_ && from >= from_ && (found_ == absl::string_view::npos || from <= found_);
    if (!known) {
      found_ = s_.find_first_of(chars_, from);
      from_ = from;
      valid_ = true;
    }
    return found_;
  }

 private:
  absl::string_view s_;
  absl::string_view chars_;
  bool valid_ = false;
  size_t from_ = 0;
  size_t found_ = 0;
};

// css_url at `p`: url\( ['"]? \s* (.*?) ["']? \)
// With the optional opening quote taken when present and the whitespace run taken whole, the
// lazy group ends at the first ')' on the same line (the closing quote, when one stands right
// before it, stays outside the group); CPython's backtracking into fewer spaces or no opening
// quote cannot find an earlier end.
std::optional<PatternMatch> MatchCssUrl(absl::string_view s, size_t p, NextOf* paren_or_newline) {
  if (p + 4 > s.size() || !absl::EqualsIgnoreCase(s.substr(p, 3), "url") || s[p + 3] != '(') {
    return std::nullopt;
  }
  size_t b = p + 4;
  if (b < s.size() && IsQuote(s[b])) ++b;
  size_t c = b + py::SpaceRun(s, b);
  size_t e = paren_or_newline->From(c);
  if (e == absl::string_view::npos || s[e] != ')') return std::nullopt;
  if (e > c && IsQuote(s[e - 1])) return PatternMatch{p, e + 1, c, e - 1};
  return PatternMatch{p, e + 1, c, e};
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

// css_import at `p`: @import \s* ["'] \s* (.*?) ["']: the group ends at the first quote on
// the same line.
std::optional<PatternMatch> MatchCssImport(absl::string_view s, size_t p,
                                           NextOf* quote_or_newline) {
  if (s[p] != '@') return std::nullopt;
  size_t word = MatchImportWord(s, p + 1);
  if (word == 0) return std::nullopt;
  size_t q = p + 1 + word;
  q += py::SpaceRun(s, q);
  if (q >= s.size() || !IsQuote(s[q])) return std::nullopt;
  size_t c = q + 1 + py::SpaceRun(s, q + 1);
  size_t d = quote_or_newline->From(c);
  if (d == absl::string_view::npos || !IsQuote(s[d])) return std::nullopt;
  return PatternMatch{p, d + 1, c, d};
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
      NextOf ends(s, kind == PatternKind::kCssUrl ? absl::string_view(")\n", 2)
                                                  : absl::string_view("\"'\n", 3));
      for (size_t p = from; p < s.size(); ++p) {
        char c = s[p];
        if (c != first && !(first == 'u' && c == 'U')) continue;
        auto m =
            kind == PatternKind::kCssUrl ? MatchCssUrl(s, p, &ends) : MatchCssImport(s, p, &ends);
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
