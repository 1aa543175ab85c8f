#include "builder/deb/decompress.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using ::testing::HasSubstr;

std::string TempDir() {
  std::string templ =
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/decompressXXXXXX";
  return mkdtemp(templ.data());
}

TEST(DecompressTest, GzipAndPlain) {
  // "Package: a\n" gzipped (gzip -n).
  const unsigned char gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x0b,
                              0x48, 0x4c, 0xce, 0x4e, 0x4c, 0x4f, 0xb5, 0x52, 0x48, 0xe4, 0x02,
                              0x00, 0x59, 0x6f, 0x79, 0x97, 0x0b, 0x00, 0x00, 0x00};
  auto out = Decompress(std::string(reinterpret_cast<const char*>(gz), sizeof(gz)), 100, "x.gz");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, "Package: a\n");
  EXPECT_EQ(*Decompress("Package: a\n", 100, "x"), "Package: a\n");
  auto capped = Decompress("Package: a\n", 5, "x");
  EXPECT_THAT(std::string(capped.status().message()), HasSubstr("more than the limit of 5"));
}

// The mirror's bytes must not pick a decompressor that libarchive runs as an external program
// (lrzip, lzop, grzip): an index is xz, gzip, bzip2, lzma, zstd, lz4 or plain.
TEST(DecompressTest, NeverRunsAnExternalProgram) {
  std::string dir = TempDir();
  std::string marker = dir + "/ran";
  for (const char* program : {"lrzip", "lzop", "grzip"}) {
    std::string path = dir + "/" + program;
    std::ofstream(path) << "#!/bin/sh\ntouch " << marker << "\ncat >/dev/null\n";
    chmod(path.c_str(), 0755);
  }
  std::string old_path = getenv("PATH") ? getenv("PATH") : "";
  setenv("PATH", (dir + ":" + old_path).c_str(), 1);
  const std::string lrzip = std::string("LRZI\x00\x06", 6) + std::string(64, '\x01');
  const std::string lzop = std::string("\x89LZO\x00\x0d\x0a\x1a\x0a", 9) + std::string(64, '\x01');
  const std::string grzip = std::string("GRZipII\x00\x02\x04:)", 12) + std::string(64, '\x01');
  for (const std::string& data : {lrzip, lzop, grzip}) {
    auto out = Decompress(data, 1 << 20, "Packages.x");
    // Read as plain bytes (whose SHA-256 then will not match the Release file), or refused.
    if (out.ok()) {
      EXPECT_EQ(*out, data);
    }
  }
  setenv("PATH", old_path.c_str(), 1);
  EXPECT_NE(access(marker.c_str(), F_OK), 0) << "an external decompressor was run";
}

}  // namespace
}  // namespace stowage
