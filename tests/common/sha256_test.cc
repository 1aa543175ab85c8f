#include "builder/digest/sha256.h"

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Digest(""),
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // The OCI empty descriptor's digest, from the image spec.
  EXPECT_EQ(Sha256Digest("{}"),
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(Sha256Test, IncrementalEqualsOneShot) {
  Sha256 h;
  h.Update("ab");
  h.Update("c");
  EXPECT_EQ(h.Final(), Sha256Digest("abc"));
}

TEST(ValidateDigestTest, AcceptsAndRejects) {
  EXPECT_TRUE(ValidateDigest(Sha256Digest("x")).ok());
  EXPECT_FALSE(ValidateDigest("sha256:ABC").ok());
  EXPECT_FALSE(ValidateDigest("sha256:" + std::string(64, 'A')).ok());
  EXPECT_FALSE(ValidateDigest("md5:" + std::string(32, 'a')).ok());
  EXPECT_FALSE(ValidateDigest(std::string(64, 'a')).ok());
  EXPECT_EQ(DigestHex("sha256:abcd"), "abcd");
}

}  // namespace
}  // namespace stowage
