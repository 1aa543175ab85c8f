// Helpers for bookstore tests: scratch directories and files with chosen mtimes.
#ifndef STOWAGE_TESTS_BOOKSTORE_TEST_UTIL_H_
#define STOWAGE_TESTS_BOOKSTORE_TEST_UTIL_H_

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace bookstore {
namespace testing {

// A fresh directory under $TEST_TMPDIR (or /tmp).
inline std::string MakeTempDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string pattern = std::string(base != nullptr ? base : "/tmp") + "/bookstore.XXXXXX";
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return pattern;
}

// Writes `content` to `path` (creating parent directories) and sets its mtime.
inline void WriteFile(const std::string& path, const std::string& content, long mtime = 1e9) {
  for (size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1)) {
    mkdir(path.substr(0, slash).c_str(), 0755);
  }
  std::ofstream(path, std::ios::binary) << content;
  struct timeval times[2] = {{mtime, 0}, {mtime, 0}};
  ASSERT_EQ(utimes(path.c_str(), times), 0) << path;
}

}  // namespace testing
}  // namespace bookstore

#endif  // STOWAGE_TESTS_BOOKSTORE_TEST_UTIL_H_
