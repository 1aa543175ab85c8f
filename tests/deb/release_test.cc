#include "builder/deb/release.h"

#include <string>

#include "gtest/gtest.h"

namespace stowage {
namespace {

const char kRelease[] =
    "Origin: Debian\n"
    "Suite: oldstable\n"
    "Codename: bookworm\n"
    "Acquire-By-Hash: yes\n"
    "No-Support-for-Architecture-all: Packages\n"
    "Architectures: all amd64 arm64\n"
    "Components: main contrib\n"
    "MD5Sum:\n"
    " 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 contrib/Contents-all\n"
    "SHA256:\n"
    " 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 50060337 "
    "main/binary-amd64/Packages\n"
    " 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 "
    "main/binary-amd64/Packages.xz\n";

TEST(ReleaseTest, Parses) {
  auto r = ParseRelease(kRelease, "Release");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->Names("bookworm"));
  EXPECT_TRUE(r->Names("oldstable"));
  EXPECT_FALSE(r->Names("trixie"));
  EXPECT_TRUE(r->acquire_by_hash);
  EXPECT_TRUE(r->all_in_arch_indexes);
  EXPECT_EQ(r->architectures.size(), 3u);
  ASSERT_EQ(r->sha256.count("main/binary-amd64/Packages.xz"), 1u);
  EXPECT_EQ(r->sha256.at("main/binary-amd64/Packages.xz").size, 8790396);
  EXPECT_EQ(r->sha256.at("main/binary-amd64/Packages").sha256,
            "515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f");
}

TEST(ReleaseTest, RejectsHostileEntries) {
  for (const char* line : {" abc 12 main/Packages\n",
                           " 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f x "
                           "main/Packages\n",
                           " 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 1 "
                           "../../etc/passwd\n",
                           " 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 1 "
                           "/abs\n",
                           " 515E692F2C4121C6FCEC444EF100CC18F79A991910615F3A88C8B7BECFC94D2F 1 "
                           "main/P\n"}) {
    std::string text = std::string("Suite: x\nSHA256:\n") + line;
    EXPECT_FALSE(ParseRelease(text, "R").ok()) << line;
  }
  EXPECT_FALSE(ParseRelease("Suite: x\n", "R").ok());      // no SHA256 list
  EXPECT_FALSE(ParseRelease("A: 1\n\nB: 2\n", "R").ok());  // two paragraphs
}

TEST(ReleaseTest, ClearsignedTextUndoesDashEscaping) {
  const char* in =
      "-----BEGIN PGP SIGNED MESSAGE-----\n"
      "Hash: SHA256\n"
      "\n"
      "Suite: x\n"
      "- -dashed\n"
      "-----BEGIN PGP SIGNATURE-----\n"
      "abc\n"
      "-----END PGP SIGNATURE-----\n";
  auto text = ClearsignedText(in);
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(*text, "Suite: x\n-dashed\n");
  EXPECT_FALSE(ClearsignedText("Suite: x\n").ok());
  EXPECT_FALSE(ClearsignedText("-----BEGIN PGP SIGNED MESSAGE-----\n\nSuite: x\n").ok());
}

}  // namespace
}  // namespace stowage
