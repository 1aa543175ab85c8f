#include "builder/registry/challenge.h"

#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

TEST(ChallengeTest, BearerWithQuotedParams) {
  auto c = ParseChallenges(
      R"(Bearer realm="https://auth.example/token",service="registry.example",scope="repository:samalba/my-app:pull,push")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].Param("realm"), "https://auth.example/token");
  EXPECT_EQ(c[0].Param("service"), "registry.example");
  EXPECT_EQ(c[0].Param("scope"), "repository:samalba/my-app:pull,push");
}

TEST(ChallengeTest, SeveralChallengesAndEscapes) {
  auto c = ParseChallenges(
      R"(Basic realm="Registry \"Realm\"", Bearer realm=https://a/t, service="s, with comma",error="insufficient_scope")");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].Param("realm"), "Registry \"Realm\"");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].Param("realm"), "https://a/t");
  EXPECT_EQ(c[1].Param("service"), "s, with comma");
  EXPECT_EQ(c[1].Param("error"), "insufficient_scope");
}

TEST(ChallengeTest, CaseInsensitiveSchemeAndKeys) {
  auto c = ParseChallenges(R"(BASIC Realm="x")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].Param("realm"), "x");
}

TEST(ChallengeTest, EmptyAndGarbage) {
  EXPECT_TRUE(ParseChallenges("").empty());
  auto c = ParseChallenges("Bearer");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_TRUE(c[0].params.empty());
}

TEST(ScopeTest, PushScopes) {
  EXPECT_EQ(RepositoryScope("team/app", {"pull", "push"}), "repository:team/app:pull,push");
  auto s = PushScopes("team/app", {"base/debian", "team/app", "base/debian"});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0], "repository:base/debian:pull");
  EXPECT_EQ(s[1], "repository:team/app:pull,push");
}

}  // namespace
}  // namespace registry
}  // namespace stowage
