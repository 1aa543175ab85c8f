#include "builder/registry/url.h"

#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

TEST(ResolveLocationTest, AbsolutePathKeepsSchemeHostAndQuery) {
  auto r = ResolveLocation("http://127.0.0.1:5000/v2/app/blobs/uploads/",
                           "/v2/app/blobs/uploads/abc?_state=xyz");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "http://127.0.0.1:5000/v2/app/blobs/uploads/abc?_state=xyz");
}

TEST(ResolveLocationTest, AbsoluteUrlWins) {
  auto r = ResolveLocation("https://reg.example:443/v2/app/blobs/uploads/",
                           "https://uploads.example/session/1?sig=a%2Fb");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "https://uploads.example/session/1?sig=a%2Fb");
}

TEST(ResolveLocationTest, RelativeReferenceResolvesAgainstRequestDirectory) {
  auto r = ResolveLocation("https://reg.example/v2/app/blobs/uploads/", "abc?x=1");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "https://reg.example/v2/app/blobs/uploads/abc?x=1");
  r = ResolveLocation("https://reg.example/v2/app/blobs/uploads/", "../other");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "https://reg.example/v2/app/blobs/other");
  r = ResolveLocation("https://reg.example/v2/a/b", "//cdn.example/x");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "https://cdn.example/x");
}

TEST(ResolveLocationTest, EmptyLocationIsAnError) {
  EXPECT_FALSE(ResolveLocation("https://reg.example/v2/", "").ok());
}

TEST(AddQueryParameterTest, KeepsExistingQueryAndEncodesValue) {
  auto r =
      AddQueryParameter("http://h/v2/app/blobs/uploads/abc?_state=xyz", "digest", "sha256:0123");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(*r, "http://h/v2/app/blobs/uploads/abc?_state=xyz&digest=sha256%3a0123");
  r = AddQueryParameter("http://h/v2/x", "digest", "sha256:ab");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "http://h/v2/x?digest=sha256%3aab");
}

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
}

}  // namespace
}  // namespace registry
}  // namespace stowage
