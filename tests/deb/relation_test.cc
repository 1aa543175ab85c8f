#include "builder/deb/relation.h"

#include <string>

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(RelationTest, GroupsAlternativesVersionsQualifiers) {
  auto groups = ParseRelationGroups(
      "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any,perl:native(<<6),"
      " foo [amd64 arm64], bar [!i386] <!nocheck>",
      "Depends");
  ASSERT_TRUE(groups.ok()) << groups.status();
  ASSERT_EQ(groups->size(), 6u);
  const Relation& libc = (*groups)[0][0];
  EXPECT_EQ(libc.name, "libc6");
  EXPECT_EQ(libc.op, VersionOp::kGreaterEqual);
  EXPECT_EQ(libc.version.ToString(), "2.34");
  ASSERT_EQ((*groups)[1].size(), 2u);
  EXPECT_EQ((*groups)[1][1].name, "debconf-2.0");
  EXPECT_EQ((*groups)[1][1].op, VersionOp::kAny);
  EXPECT_EQ((*groups)[2][0].arch_qualifier, "any");
  EXPECT_EQ((*groups)[3][0].arch_qualifier, "native");
  EXPECT_EQ((*groups)[3][0].op, VersionOp::kLess);
  EXPECT_TRUE((*groups)[4][0].AppliesTo("arm64"));
  EXPECT_FALSE((*groups)[4][0].AppliesTo("i386"));
  EXPECT_TRUE((*groups)[5][0].AppliesTo("amd64"));
  EXPECT_FALSE((*groups)[5][0].AppliesTo("i386"));
  EXPECT_EQ(libc.ToString(), "libc6 (>= 2.34)");
  EXPECT_EQ((*groups)[3][0].ToString(), "perl:native (<< 6)");
}

TEST(RelationTest, EmptyAndTrailingComma) {
  EXPECT_TRUE(ParseRelationGroups("", "Depends")->empty());
  EXPECT_EQ(ParseRelationGroups("a1, b2,", "Depends")->size(), 2u);
  EXPECT_EQ(ParseRelationList("a1 (= 1.0), b2", "Provides")->size(), 2u);
}

TEST(RelationTest, Errors) {
  for (const char* bad :
       {"Libc6", "a", "libc6 (>= )", "libc6 (=> 1)", "libc6 (>= 1", "libc6 >= 1", "libc6 [amd64",
        "libc6 []", "libc6:", "a1 | | b2", "libc6 (>= 1) junk", "libc6 (>= 1.0 2)"}) {
    EXPECT_FALSE(ParseRelationGroups(bad, "Depends").ok()) << bad;
  }
  auto s = ParseRelationList("a1 | b2", "Conflicts of x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("Conflicts of x"), std::string::npos);
  // A mirror's bytes in the message: escaped and capped, never raw (terminal escapes, a
  // megabyte-long line).
  for (const std::string& hostile :
       {std::string("libc6 (>= 1) \x1b]0;owned\x07"), "libc6 (>= 1) " + std::string(1 << 20, 'x'),
        std::string("a1 | \x1b[31mb2")}) {
    auto groups = ParseRelationGroups(hostile, "Depends");
    ASSERT_FALSE(groups.ok());
    EXPECT_EQ(groups.status().message().find('\x1b'), std::string::npos) << groups.status();
    EXPECT_LT(groups.status().message().size(), 1000u);
    auto list = ParseRelationList(hostile, "Provides");
    ASSERT_FALSE(list.ok());
    EXPECT_EQ(list.status().message().find('\x1b'), std::string::npos) << list.status();
    EXPECT_LT(list.status().message().size(), 1000u);
  }
}

TEST(RelationTest, PackageNames) {
  EXPECT_TRUE(IsValidPackageName("libstdc++6"));
  EXPECT_TRUE(IsValidPackageName("0ad"));
  EXPECT_TRUE(IsValidPackageName("debconf-2.0"));
  EXPECT_FALSE(IsValidPackageName("x"));
  EXPECT_FALSE(IsValidPackageName("-x"));
  EXPECT_FALSE(IsValidPackageName("Foo"));
  EXPECT_FALSE(IsValidPackageName("a_b"));
  EXPECT_FALSE(IsValidPackageName("a/b"));
}

}  // namespace
}  // namespace stowage
