#include "tests/layer/test_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "gtest/gtest.h"

namespace stowage {

TestDir::TestDir() {
  const char* base = std::getenv("TEST_TMPDIR");
  std::string templ = std::string(base != nullptr ? base : "/tmp") + "/layerXXXXXX";
  path_ = mkdtemp(templ.data());
}

void TestDir::MakeDir(const std::string& rel) const {
  std::string full = path_;
  size_t start = 0;
  while (start <= rel.size()) {
    size_t slash = rel.find('/', start);
    if (slash == std::string::npos) slash = rel.size();
    full = path_ + "/" + rel.substr(0, slash);
    mkdir(full.c_str(), 0755);
    start = slash + 1;
  }
}

void TestDir::WriteFile(const std::string& rel, const std::string& contents, unsigned mode) const {
  size_t slash = rel.rfind('/');
  if (slash != std::string::npos) MakeDir(rel.substr(0, slash));
  std::string full = path_ + "/" + rel;
  int fd = open(full.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  ASSERT_GE(fd, 0) << full;
  ASSERT_EQ(write(fd, contents.data(), contents.size()), static_cast<ssize_t>(contents.size()));
  close(fd);
  chmod(full.c_str(), mode);
}

void TestDir::Symlink(const std::string& rel, const std::string& target) const {
  size_t slash = rel.rfind('/');
  if (slash != std::string::npos) MakeDir(rel.substr(0, slash));
  ASSERT_EQ(symlink(target.c_str(), (path_ + "/" + rel).c_str()), 0) << rel;
}

std::vector<std::string> TestDir::List(const std::string& rel) const {
  std::vector<std::string> names;
  DIR* d = opendir((path_ + "/" + rel).c_str());
  if (d == nullptr) return names;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(n);
  }
  closedir(d);
  return names;
}

}  // namespace stowage
