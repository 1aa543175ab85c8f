// Turns a layer spec into the exact list of tar entries: trees walked, symlinked sources
// followed, duplicates merged or rejected, implicit parent directories added, modes applied,
// everything in bytewise order of the tar names. Nothing here depends on the host's directory
// listing order, umask, mtimes or user names.
#ifndef STOWAGE_BUILDER_TAR_ENTRY_PLAN_H_
#define STOWAGE_BUILDER_TAR_ENTRY_PLAN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/tar/layer_spec.h"

namespace stowage {

enum class TarEntryType { kFile, kDirectory, kSymlink };

struct TarEntry {
  TarEntryType type = TarEntryType::kFile;
  std::string path;         // normalized image path, no leading or trailing "/"
  std::string source;       // kFile: the file on disk (symlinks followed when read)
  std::string link_target;  // kSymlink
  int64_t size = 0;         // kFile: size when planned; a file that changes is an error
  uint32_t mode = 0;
  int64_t uid = 0;
  int64_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 0;
  std::string where;  // what produced it, for error messages

  // The name written in the tar: directories end in "/".
  std::string TarName() const { return type == TarEntryType::kDirectory ? path + "/" : path; }
};

// Default modes: files 0644, or 0755 when the source has any execute bit; directories 0755;
// symlinks 0777.
constexpr uint32_t kDefaultFileMode = 0644;
constexpr uint32_t kDefaultExecutableMode = 0755;
constexpr uint32_t kDefaultDirectoryMode = 0755;
constexpr uint32_t kSymlinkMode = 0777;

// The plan: symlink DAGs in trees, .wh.* names that no entry asked to be a whiteout, paths over
// limits::kMaxImagePathBytes and names adding up to more than limits::kMaxTreeNameBytes are
// refused with one line.
absl::StatusOr<std::vector<TarEntry>> PlanEntries(const LayerSpec& spec);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_TAR_ENTRY_PLAN_H_
