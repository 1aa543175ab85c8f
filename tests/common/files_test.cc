#include "builder/common/files.h"

#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "builder/common/json_file.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

std::string TempDir() {
  std::string templ =
      std::string(getenv("TEST_TMPDIR") ? getenv("TEST_TMPDIR") : "/tmp") + "/filesXXXXXX";
  return mkdtemp(templ.data());
}

int CountEntries(const std::string& dir) {
  int n = 0;
  DIR* d = opendir(dir.c_str());
  while (dirent* e = readdir(d)) {
    if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") ++n;
  }
  closedir(d);
  return n;
}

TEST(AtomicFileTest, CommitPublishesAndAbandonLeavesNothing) {
  std::string dir = TempDir();
  {
    auto f = AtomicFile::Create(dir + "/out");
    ASSERT_TRUE(f.ok());
    ASSERT_TRUE(f->Write("partial").ok());
    // Destroyed without Commit: a failed command leaves nothing behind.
  }
  EXPECT_EQ(CountEntries(dir), 0);
  ASSERT_TRUE(WriteFileAtomically(dir + "/out", "done").ok());
  EXPECT_EQ(*ReadFile(dir + "/out"), "done");
  EXPECT_EQ(CountEntries(dir), 1);
}

TEST(JsonFileTest, CanonicalIsSortedAndCompact) {
  nlohmann::json j = {{"b", 1}, {"a", {{"z", "é"}, {"c", true}}}};
  EXPECT_EQ(CanonicalJson(j).value(), "{\"a\":{\"c\":true,\"z\":\"é\"},\"b\":1}");
  EXPECT_FALSE(ParseJson("{", "x").ok());
  EXPECT_FALSE(ReadFile("/nonexistent/file").ok());
}

}  // namespace
}  // namespace stowage
