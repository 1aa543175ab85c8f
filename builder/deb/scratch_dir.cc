#include "builder/deb/scratch_dir.h"

#include <ftw.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "builder/common/files.h"

namespace stowage {
namespace {

int RemoveOne(const char* path, const struct stat*, int, struct FTW*) {
  remove(path);
  return 0;
}

}  // namespace

absl::StatusOr<ScratchDir> ScratchDir::Create(const std::string& parent,
                                              const std::string& prefix) {
  std::string base = parent;
  if (base.empty()) {
    const char* tmp = getenv("TMPDIR");
    base = tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp";
  }
  std::string pattern = base + "/" + prefix + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    return ErrnoStatus("cannot create a temporary directory", pattern);
  }
  return ScratchDir(std::string(buffer.data()));
}

ScratchDir::~ScratchDir() {
  if (path_.empty()) return;
  // Depth first, without following symlinks: only what is inside goes.
  nftw(path_.c_str(), RemoveOne, 16, FTW_DEPTH | FTW_PHYS);
}

}  // namespace stowage
