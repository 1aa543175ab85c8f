#include "builder/common/walk_guard.h"

#include <climits>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"

namespace stowage {

absl::Status WalkGuard::Enter(const std::string& dir, const struct stat& st) {
  auto id = std::make_pair(st.st_dev, st.st_ino);
  if (!ancestors_.insert(id).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("symlink cycle: ", dir, " leads back to one of its parents (", what_, ")"));
  }
  seen_.insert(id);
  ++listings_;
  if (listings_ > kFreeListings && listings_ > kMaxListingsPerDirectory * seen_.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "symlinks reach the same directories over and over (", listings_, " listings of ",
        seen_.size(), " directories, the latest ", dir, "): a symlink DAG would expand ",
        "exponentially; replace those links with real copies or declare them as symlinks (", what_,
        ")"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> WalkGuard::PathToDescend(const std::string& child) {
  struct stat link;
  if (lstat(child.c_str(), &link) != 0 || !S_ISLNK(link.st_mode)) return child;
  char real[PATH_MAX];
  if (realpath(child.c_str(), real) == nullptr)
    return ErrnoStatus("cannot resolve directory link", child);
  return std::string(real);
}

void WalkGuard::Leave(const struct stat& st) {
  ancestors_.erase(std::make_pair(st.st_dev, st.st_ino));
}

}  // namespace stowage
