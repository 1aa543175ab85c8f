#include "builder/tar/image_path.h"

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(ImagePathTest, Normalizes) {
  EXPECT_EQ(*NormalizeImagePath("/app/bin/server", "t"), "app/bin/server");
  EXPECT_EQ(*NormalizeImagePath("app//bin/./server/", "t"), "app/bin/server");
  EXPECT_EQ(*NormalizeImagePath("app/x/../bin", "t"), "app/bin");
  EXPECT_EQ(*NormalizeImagePath("/", "t"), "");
  EXPECT_EQ(*NormalizeImagePath("./", "t"), "");
}

TEST(ImagePathTest, RejectsEscapesNulAndBadUtf8) {
  EXPECT_FALSE(NormalizeImagePath("../etc/passwd", "t").ok());
  EXPECT_FALSE(NormalizeImagePath("/app/../../x", "t").ok());
  EXPECT_FALSE(NormalizeImagePath(std::string("a\0b", 3), "t").ok());
  EXPECT_FALSE(NormalizeImagePath("caf\xe9", "t").ok());
  EXPECT_NE(NormalizeImagePath("../x", "entries[2]").status().message().find("entries[2]"),
            std::string::npos);
}

TEST(ImagePathTest, Utf8Validation) {
  EXPECT_TRUE(IsValidUtf8("plain"));
  EXPECT_TRUE(IsValidUtf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));          // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // > U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xff"));
  EXPECT_FALSE(IsValidUtf8("a\x80"));
}

TEST(ImagePathTest, Join) {
  EXPECT_EQ(JoinImagePath("", "a"), "a");
  EXPECT_EQ(JoinImagePath("a", "b"), "a/b");
  EXPECT_EQ(JoinImagePath("a", ""), "a");
}

}  // namespace
}  // namespace stowage
