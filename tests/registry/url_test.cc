#include "builder/registry/url.h"

#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

TEST(ParseRepositoryTest, SplitsHostAndName) {
  auto r = ParseRepository("127.0.0.1:5000/team/app");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->host, "127.0.0.1:5000");
  EXPECT_EQ(r->name, "team/app");
  std::string scheme;
  r = ParseRepository("http://localhost:5000/a__b-c.d", &scheme);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(scheme, "http");
  EXPECT_EQ(r->name, "a__b-c.d");
}

TEST(ParseRepositoryTest, RejectsBadNames) {
  EXPECT_FALSE(ParseRepository("app").ok());
  EXPECT_FALSE(ParseRepository("host/App").ok());
  EXPECT_FALSE(ParseRepository("host/app:tag").ok());
  EXPECT_FALSE(ParseRepository("host/app@sha256:00").ok());
  EXPECT_FALSE(ParseRepository("host/a..b").ok());
  EXPECT_FALSE(ParseRepository("host/a___b").ok());
  EXPECT_FALSE(ParseRepository("host/-a").ok());
  EXPECT_FALSE(ParseRepository("host/a//b").ok());
  // The host is read as libcurl reads it: no user info, no stray characters.
  EXPECT_FALSE(ParseRepository("user@host/app").ok());
  EXPECT_FALSE(ParseRepository("127.0.0.1@other.example/app").ok());
  EXPECT_FALSE(ParseRepository("ho st/app").ok());
  EXPECT_TRUE(ParseRepository("[::1]:5000/app").ok());
}

TEST(ValidateTagTest, Grammar) {
  EXPECT_TRUE(ValidateTag("v1.2_3-rc").ok());
  EXPECT_TRUE(ValidateTag("_x").ok());
  EXPECT_FALSE(ValidateTag("").ok());
  EXPECT_FALSE(ValidateTag(".x").ok());
  EXPECT_FALSE(ValidateTag("a/b").ok());
  EXPECT_FALSE(ValidateTag(std::string(129, 'a')).ok());
  EXPECT_TRUE(ValidateTag(std::string(128, 'a')).ok());
}

TEST(IsLoopbackHostTest, OnlyLoopback) {
  EXPECT_TRUE(IsLoopbackHost("127.0.0.1:5000"));
  EXPECT_TRUE(IsLoopbackHost("127.1.2.3"));
  EXPECT_TRUE(IsLoopbackHost("localhost:80"));
  EXPECT_TRUE(IsLoopbackHost("[::1]:5000"));
  EXPECT_TRUE(IsLoopbackHost("::1"));
  EXPECT_FALSE(IsLoopbackHost("128.0.0.1:5000"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.1.example:5000"));
  EXPECT_FALSE(IsLoopbackHost("localhost.example"));
  EXPECT_FALSE(IsLoopbackHost("[::2]:5000"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.256"));
  // User info names another host: never loopback.
  EXPECT_FALSE(IsLoopbackHost("[::1]@other.example:5000"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.1@other.example"));
  EXPECT_FALSE(IsLoopbackHost("127.0.0.1:5000@other.example"));
}

}  // namespace
}  // namespace registry
}  // namespace stowage
