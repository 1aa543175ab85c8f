// Match boundaries of Django's reference patterns, as Python's re finds them.
#include "builder/static/url_patterns.h"

#include "gtest/gtest.h"

namespace stowage {
namespace {

struct Found {
  std::string matched, url;
};

std::vector<Found> All(PatternKind kind, const std::string& text) {
  std::vector<Found> out;
  size_t pos = 0;
  while (auto m = FindNextMatch(kind, text, pos)) {
    out.push_back({text.substr(m->begin, m->end - m->begin),
                   text.substr(m->url_begin, m->url_end - m->url_begin)});
    pos = m->end;
  }
  return out;
}

TEST(UrlPatterns, CssUrlForms) {
  auto found = All(PatternKind::kCssUrl,
                   "a{b:url(x.png)} c{d:URL('y.png')} e{f:url( \"z.png\")} g{h:url()}");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].url, "x.png");
  EXPECT_EQ(found[1].url, "y.png");
  EXPECT_EQ(found[1].matched, "URL('y.png')");
  EXPECT_EQ(found[2].url, "\"z.png");  // a space before the quote keeps the quote in the url
  EXPECT_EQ(found[3].url, "");
}

TEST(UrlPatterns, CssUrlQuirksMatchPython) {
  // Whitespace before the opening quote puts the quotes inside the url (Django then fails).
  EXPECT_EQ(All(PatternKind::kCssUrl, "url( \"a.png\" )")[0].url, "\"a.png\" ");
  // \s* crosses lines but the url group cannot; it stops at the first ')' or quote+')'.
  EXPECT_TRUE(All(PatternKind::kCssUrl, "url(\n  'p.png'\n)").empty());
  EXPECT_EQ(All(PatternKind::kCssUrl, "url(\n'p.png')")[0].url, "'p.png");
  EXPECT_EQ(All(PatternKind::kCssUrl, "url(a(b).png)")[0].url, "a(b");
  // The url group cannot cross a newline: no match.
  EXPECT_TRUE(All(PatternKind::kCssUrl, "url(a\n.png)").empty());
}

TEST(UrlPatterns, CssImport) {
  auto found =
      All(PatternKind::kCssImport, "@import 'a.css'; @IMPORT\n\"b.css\"; @import url(c.css);");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].url, "a.css");
  EXPECT_EQ(found[0].matched, "@import 'a.css'");
  EXPECT_EQ(found[1].url, "b.css");
  // IGNORECASE folds dotless and dotted I to 'i', as CPython does.
  EXPECT_EQ(All(PatternKind::kCssImport, "@\xC4\xB1mport \"d.css\"").size(), 1u);
  // Mismatched quotes still close the group.
  EXPECT_EQ(All(PatternKind::kCssImport, "@import \"e.css'")[0].url, "e.css");
}

TEST(UrlPatterns, SourceMaps) {
  auto css = All(PatternKind::kCssSourceMap, "a{}\n/*# sourceMappingURL=a.css.map */\n");
  ASSERT_EQ(css.size(), 1u);
  EXPECT_EQ(css[0].url, "a.css.map ");  // the greedy group keeps the blank before */
  EXPECT_TRUE(All(PatternKind::kCssSourceMap, "x /*# sourceMappingURL=a.map */").empty());
  EXPECT_TRUE(All(PatternKind::kCssSourceMap, "/*# sourcemappingurl=a.map */").empty());
  EXPECT_TRUE(All(PatternKind::kCssSourceMap, "/*# sourceMappingURL=a.map */\r\n").empty());
  auto js = All(PatternKind::kJsSourceMap, "f();\n//# sourceMappingURL=app.js.map\n//# x\n");
  ASSERT_EQ(js.size(), 1u);
  EXPECT_EQ(js[0].url, "app.js.map");
  EXPECT_EQ(All(PatternKind::kJsSourceMap, "//# sourceMappingURL=a.map\r\n")[0].url, "a.map\r");
}

TEST(UrlPatterns, PatternsByVersion) {
  EXPECT_EQ(PatternsFor(DjangoVersion::k3_2, "a.css").size(), 2u);
  EXPECT_TRUE(PatternsFor(DjangoVersion::k3_2, "a.js").empty());
  EXPECT_EQ(PatternsFor(DjangoVersion::k4_2, "a.css").size(), 3u);
  EXPECT_EQ(PatternsFor(DjangoVersion::k4_2, "a.js").size(), 1u);
  EXPECT_FALSE(IsAdjustable(DjangoVersion::k4_2, "a.CSS"));  // fnmatchcase is case-sensitive
}

TEST(UrlPatterns, HostileStylesheetsTakeLinearTime) {
  // A million "url(" with no ")" once took quadratic time (every "url(" read the rest of the
  // line again). Bounded by the test's timeout only: no timing is asserted.
  std::string unclosed;
  for (int i = 0; i < 1000000; ++i) unclosed += "url(";
  EXPECT_TRUE(All(PatternKind::kCssUrl, unclosed).empty());
  std::vector<Found> one = All(PatternKind::kCssUrl, unclosed + ")");
  ASSERT_EQ(one.size(), 1u);  // the first "url(" takes everything up to the one ")"
  EXPECT_EQ(one[0].url.size(), unclosed.size() - 4);
  std::string quoted;
  for (int i = 0; i < 1000000; ++i) quoted += "url('";
  EXPECT_TRUE(All(PatternKind::kCssUrl, quoted).empty());
  std::string many;
  for (int i = 0; i < 1000000; ++i) many += "url(a)";
  EXPECT_EQ(All(PatternKind::kCssUrl, many).size(), 1000000u);
  std::string imports = "@import '";
  for (int i = 0; i < 1000000; ++i) imports += "@import x";
  EXPECT_TRUE(All(PatternKind::kCssImport, imports).empty());
}

TEST(UrlPatterns, EndsOnTheSameLineOnly) {
  auto found = All(PatternKind::kCssUrl, "url(a\nb) url(\n c) url('d')");
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].url, "c");  // \s* may cross a newline, the url itself may not
  EXPECT_EQ(found[1].url, "d");
  auto imports = All(PatternKind::kCssImport, "@import 'a\nb' @import \"c\"");
  ASSERT_EQ(imports.size(), 1u);  // as Python's re: the first one's url would cross a newline
  EXPECT_EQ(imports[0].url, "c");
}

TEST(UrlPatterns, SubstituteKeepsTheRest) {
  auto out = Substitute(
      PatternKind::kCssUrl, "a url(x) b url(y) c",
      [](const PatternMatch& m) -> absl::StatusOr<std::string> { return std::string("U"); });
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "a U b U c");
}

}  // namespace
}  // namespace stowage
