// Test helper: a fresh temporary directory with small helpers to lay out source trees.
#ifndef STOWAGE_TESTS_LAYER_TEST_DIR_H_
#define STOWAGE_TESTS_LAYER_TEST_DIR_H_

#include <string>
#include <vector>

namespace stowage {

class TestDir {
 public:
  TestDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

  // Creates parent directories as needed.
  void WriteFile(const std::string& rel, const std::string& contents, unsigned mode = 0644) const;
  void MakeDir(const std::string& rel) const;
  void Symlink(const std::string& rel, const std::string& target) const;
  // Names of the entries directly in `rel` (no . and ..).
  std::vector<std::string> List(const std::string& rel = "") const;

 private:
  std::string path_;
};

}  // namespace stowage

#endif  // STOWAGE_TESTS_LAYER_TEST_DIR_H_
