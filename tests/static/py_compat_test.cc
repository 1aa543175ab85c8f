// The Python functions Django's algorithm depends on; expected values are CPython 3.11's.
#include "builder/static/py_compat.h"

#include "gtest/gtest.h"

namespace stowage {
namespace py {
namespace {

TEST(PyCompat, Normpath) {
  EXPECT_EQ(Normpath(""), ".");
  EXPECT_EQ(Normpath("css/../img/a.png"), "img/a.png");
  EXPECT_EQ(Normpath("../x"), "../x");
  EXPECT_EQ(Normpath("a/./b//c/"), "a/b/c");
  EXPECT_EQ(Normpath("//a"), "//a");
  EXPECT_EQ(Normpath("///a/../.."), "/");
  EXPECT_EQ(Normpath("a/.."), ".");
}

TEST(PyCompat, SplitextKeepsLeadingDots) {
  EXPECT_EQ(Splitext("a.tar.gz"), std::make_pair(std::string("a.tar"), std::string(".gz")));
  EXPECT_EQ(Splitext("noext"), std::make_pair(std::string("noext"), std::string()));
  EXPECT_EQ(Splitext("..dots"), std::make_pair(std::string("..dots"), std::string()));
  EXPECT_EQ(Splitext("dir.d/file"), std::make_pair(std::string("dir.d/file"), std::string()));
}

TEST(PyCompat, PathSplitAndJoin) {
  EXPECT_EQ(PathSplit("a/b/c.css"), std::make_pair(std::string("a/b"), std::string("c.css")));
  EXPECT_EQ(PathSplit("c.css"), std::make_pair(std::string(), std::string("c.css")));
  EXPECT_EQ(PathSplit("/c"), std::make_pair(std::string("/"), std::string("c")));
  EXPECT_EQ(Dirname("css/a.css"), "css");
  EXPECT_EQ(Join("css", "../img"), "css/../img");
  EXPECT_EQ(Join("", "x"), "x");
  EXPECT_EQ(Join("css/", "x"), "css/x");
  EXPECT_EQ(Join("css", "/abs"), "/abs");
}

TEST(PyCompat, UrlSplit) {
  SplitResult r = UrlSplit("fonts/x.eot?v=1#iefix");
  EXPECT_EQ(r.path, "fonts/x.eot");
  EXPECT_EQ(r.query, "v=1");
  EXPECT_EQ(r.fragment, "iefix");
  r = UrlSplit("HTTPS://host/p?q");
  EXPECT_EQ(r.scheme, "https");
  EXPECT_EQ(r.netloc, "host");
  EXPECT_EQ(r.path, "/p");
  // Leading C0/space is stripped and tabs/newlines removed (CPython's WHATWG hardening).
  EXPECT_EQ(UrlSplit(" a\tb\r\n.map").path, "ab.map");
  EXPECT_EQ(UrlSplit("dir/a:b").path, "dir/a:b");  // '/' is not a scheme character
  EXPECT_EQ(UrlUnsplit(UrlSplit("x.eot?")), "x.eot");
  EXPECT_EQ(UrlUnsplit(UrlSplit("http:p")), "http:///p");
}

TEST(PyCompat, UrlDefrag) {
  EXPECT_EQ(UrlDefrag("x.eot?#iefix"), std::make_pair(std::string("x.eot"), std::string("iefix")));
  EXPECT_EQ(UrlDefrag("#blur"), std::make_pair(std::string(), std::string("blur")));
  EXPECT_EQ(UrlDefrag("a.png"), std::make_pair(std::string("a.png"), std::string()));
  // urlparse/urlunparse lose an empty ";params".
  EXPECT_EQ(UrlDefrag("a;#x").first, "a");
  EXPECT_EQ(UrlDefrag("a;b#x").first, "a;b");
}

TEST(PyCompat, Unquote) {
  EXPECT_EQ(Unquote("a%20b"), "a b");
  EXPECT_EQ(Unquote("%C3%A9t%C3%A9"), "\xC3\xA9t\xC3\xA9");
  EXPECT_EQ(Unquote("%zz%4"), "%zz%4");
  EXPECT_EQ(Unquote("%ff!"), "\xEF\xBF\xBD!");  // invalid UTF-8 becomes U+FFFD
  EXPECT_EQ(Unquote("%ED%A0%80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // no surrogates
}

TEST(PyCompat, FilepathToUriAndJoin) {
  EXPECT_EQ(FilepathToUri("img/a b?.png"), "img/a%20b%3F.png");
  EXPECT_EQ(FilepathToUri("a\\b~!*()'"), "a/b~!*()'");
  EXPECT_EQ(UrlJoinPath("/static/", "img/x.png"), "/static/img/x.png");
  EXPECT_EQ(UrlJoinPath("/static/", "."), "/static/");
  EXPECT_EQ(UrlJoinPath("/static/", "a/../b"), "/static/b");
  EXPECT_EQ(UrlJoinPath("https://cdn.invalid/s/", "x.css"), "https://cdn.invalid/s/x.css");
}

TEST(PyCompat, StripAndSpaces) {
  EXPECT_EQ(Strip(" \t\xC2\xA0x y\xE3\x80\x80\n"), "x y");
  EXPECT_EQ(SpaceRun("\x1c\x1f a", 0), 3u);
  EXPECT_TRUE(IsSpace(0x85));
  EXPECT_FALSE(IsSpace(0x200B));
}

TEST(PyCompat, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9 \xF0\x9F\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));      // truncated
}

TEST(PyCompat, FnmatchCase) {
  EXPECT_TRUE(FnmatchCase(".hidden", ".*"));
  EXPECT_TRUE(FnmatchCase("notes.txt~", "*~"));
  EXPECT_TRUE(FnmatchCase("a/b/c.css", "*.css"));
  EXPECT_FALSE(FnmatchCase("a.CSS", "*.css"));
  EXPECT_TRUE(FnmatchCase("CVS", "CVS"));
  EXPECT_TRUE(FnmatchCase("file1", "file[0-9]"));
  EXPECT_FALSE(FnmatchCase("fileA", "file[!A-Z]"));
  EXPECT_TRUE(FnmatchCase("a?", "a[?]"));
  EXPECT_TRUE(FnmatchCase("[x", "[x"));  // an unclosed class is literal
}

TEST(PyCompat, JsonStringEscapesLikeJsonDumps) {
  EXPECT_EQ(JsonString("a\"b\\c\n"), "\"a\\\"b\\\\c\\n\"");
  EXPECT_EQ(JsonString("\xC3\xA9"), "\"\\u00e9\"");
  EXPECT_EQ(JsonString("\xF0\x9F\x98\x80"), "\"\\ud83d\\ude00\"");
  EXPECT_EQ(JsonString(std::string("\x01\x7f", 2)), "\"\\u0001\\u007f\"");
}

}  // namespace
}  // namespace py
}  // namespace stowage
