#include "builder/deb/deb822.h"

#include <string>

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(Deb822Test, ParagraphsFieldsAndContinuations) {
  const char* text =
      "Package: libc6\n"
      "Version: 2.36-9\n"
      "Description: GNU C Library\n"
      " Contains the standard libraries.\n"
      " .\n"
      " More.\n"
      "\n"
      "\n"
      "Package: dash\n"
      "Conffiles:\n"
      " /etc/x 0123\n";
  auto paragraphs = ParseDeb822(text, "test");
  ASSERT_TRUE(paragraphs.ok()) << paragraphs.status();
  ASSERT_EQ(paragraphs->size(), 2u);
  const Deb822Paragraph& libc = (*paragraphs)[0];
  EXPECT_EQ(libc.Get("package"), "libc6");  // names are case-insensitive
  EXPECT_EQ(libc.Get("Description"),
            "GNU C Library\n Contains the standard libraries.\n .\n More.");
  EXPECT_EQ(libc.line(), 1);
  EXPECT_EQ((*paragraphs)[1].Get("Conffiles"), "\n /etc/x 0123");
  EXPECT_EQ((*paragraphs)[1].line(), 9);
  EXPECT_EQ(Deb822Lines((*paragraphs)[1].Get("Conffiles")).size(), 1u);
  EXPECT_FALSE(libc.Has("Depends"));
  EXPECT_EQ(libc.Get("Depends"), "");
}

TEST(Deb822Test, WhitespaceOnlyLinesSeparateAndTrailingBlanksAreCut) {
  auto paragraphs = ParseDeb822("A: 1  \r\n \t\nB:2\n", "test");
  ASSERT_TRUE(paragraphs.ok()) << paragraphs.status();
  ASSERT_EQ(paragraphs->size(), 2u);
  EXPECT_EQ((*paragraphs)[0].Get("A"), "1");
  EXPECT_EQ((*paragraphs)[1].Get("B"), "2");
}

TEST(Deb822Test, NoTrailingNewline) {
  auto paragraphs = ParseDeb822("A: 1\n b", "test");
  ASSERT_TRUE(paragraphs.ok());
  EXPECT_EQ((*paragraphs)[0].Get("A"), "1\n b");
}

TEST(Deb822Test, Errors) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{" leading continuation\n", "line 1: continuation line without a field"},
           Case{"A: 1\nno colon here\n", "line 2: expected \"Name: value\""},
           Case{"A: 1\na: 2\n", "line 2: field \"a\" appears twice"},
           Case{"# comment\nA: 1\n", "line 1: a comment line"},
           Case{"-A: 1\n", "line 1: invalid field name"},
           Case{"A B: 1\n", "line 1: invalid field name"},
           Case{": 1\n", "line 1: invalid field name"},
       }) {
    auto p = ParseDeb822(c.text, "where");
    ASSERT_FALSE(p.ok()) << c.text;
    EXPECT_NE(p.status().message().find(c.message), std::string::npos) << p.status();
    EXPECT_NE(p.status().message().find("where"), std::string::npos) << p.status();
  }
}

TEST(Deb822Test, Limits) {
  Deb822Options options;
  options.max_fields_per_paragraph = 2;
  EXPECT_FALSE(ParseDeb822("A: 1\nB: 2\nC: 3\n", "t", options).ok());
  options = Deb822Options();
  options.max_paragraphs = 2;
  EXPECT_FALSE(ParseDeb822("A: 1\n\nA: 2\n\nA: 3\n", "t", options).ok());
  EXPECT_TRUE(ParseDeb822("A: 1\n\nA: 2\n", "t", options).ok());
}

// Field sizes from a mirror are bounded: a name, a one-line value and a value folded over
// continuation lines (checked as it grows, so the error comes at the line that crosses).
TEST(Deb822Test, FieldSizeLimits) {
  std::string long_name = std::string(129, 'X') + ": 1\n";
  auto r = ParseDeb822(long_name, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a field name longer than 128 bytes"), std::string::npos)
      << r.status();
  EXPECT_LT(r.status().message().size(), 200u);
  EXPECT_TRUE(ParseDeb822(std::string(128, 'X') + ": 1\n", "t").ok());

  std::string big(size_t{4} << 20, 'v');
  EXPECT_TRUE(ParseDeb822("Depends: " + big + "\n", "t").ok());
  r = ParseDeb822("Depends: " + big + "v\n", "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("field \"Depends\" is longer than"), std::string::npos)
      << r.status().message().substr(0, 200);
  std::string folded = "Provides: a\n";
  for (int i = 0; i < 70000; ++i) folded += " " + std::string(63, 'p') + "\n";
  r = ParseDeb822(folded, "t");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("field \"Provides\" is longer than"), std::string::npos);
}

TEST(Deb822Test, CommentsWhenAllowed) {
  std::string text = StripDeb822Comments("# head\nTypes: deb\n# mid\nURIs: x\n");
  Deb822Options options;
  options.allow_comments = true;
  auto p = ParseDeb822(text, "t", options);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->size(), 1u);
  EXPECT_EQ((*p)[0].Get("URIs"), "x");
}

TEST(Deb822Test, FoldAndWrite) {
  EXPECT_EQ(FoldDeb822Value("a (>= 1),\n b,\n  c"), "a (>= 1), b, c");
  std::string out;
  AppendDeb822Field("Package", "dash", &out);
  AppendDeb822Field("Conffiles", "\n /etc/x 01", &out);
  EXPECT_EQ(out, "Package: dash\nConffiles:\n /etc/x 01\n");
}

TEST(Deb822Test, StopsAtCallbackError) {
  int seen = 0;
  absl::Status s = ForEachDeb822Paragraph(
      "A: 1\n\nA: 2\n\nA: 3\n", "t", Deb822Options(), [&](const Deb822Paragraph&) {
        ++seen;
        return seen == 2 ? absl::InternalError("stop") : absl::OkStatus();
      });
  EXPECT_EQ(s.message(), "stop");
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace stowage
