// A private temporary directory that is removed, with everything in it, when it goes away.
#ifndef STOWAGE_BUILDER_DEB_SCRATCH_DIR_H_
#define STOWAGE_BUILDER_DEB_SCRATCH_DIR_H_

#include <string>

#include "absl/status/statusor.h"

namespace stowage {

class ScratchDir {
 public:
  // Creates "<parent>/<prefix>XXXXXX" (mode 0700); parent "" means $TMPDIR or /tmp.
  static absl::StatusOr<ScratchDir> Create(const std::string& parent, const std::string& prefix);
  ScratchDir(ScratchDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  ScratchDir& operator=(ScratchDir&&) = delete;
  ScratchDir(const ScratchDir&) = delete;
  ~ScratchDir();

  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_SCRATCH_DIR_H_
