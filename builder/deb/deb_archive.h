// Reading a .deb (an ar archive of debian-binary, control.tar.* and data.tar.*) with
// libarchive: the control files, and the data tree extracted with its modes, owners and link
// targets. Nothing is run: maintainer scripts in control.tar are never executed.
#ifndef STOWAGE_BUILDER_DEB_DEB_ARCHIVE_H_
#define STOWAGE_BUILDER_DEB_DEB_ARCHIVE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace stowage {

struct DebControl {
  std::string control;    // the control file ("Package: ...")
  std::string md5sums;    // "<md5>  <path without leading />" lines, or ""
  std::string conffiles;  // one absolute path per line, or ""
};

enum class DebEntryType { kFile, kDirectory, kSymlink, kHardlink };

struct DebEntry {
  DebEntryType type = DebEntryType::kFile;
  std::string path;         // normalized, relative to the root ("usr/bin/dash"); "" is the root
  std::string link_target;  // symlink: as stored; hardlink: the normalized path it links to
  uint32_t mode = 0;        // permission bits incl. setuid/setgid/sticky
  int64_t uid = 0;
  int64_t gid = 0;
  int64_t size = 0;
  std::string sha256;     // kFile: hex of the contents
  std::string extracted;  // kFile: where the contents were written
};

// Limits on what one package may make us read.
constexpr int64_t kMaxControlMemberBytes = 64 << 20;
constexpr int64_t kMaxDataBytes = int64_t{16} << 30;
constexpr int64_t kMaxDataEntries = 1 << 20;

// Reads control.tar.* (the compression found from the member name: none, .gz, .xz, .zst,
// .bz2 or .lzma; anything else is an error that names it).
absl::StatusOr<DebControl> ReadDebControl(const std::string& deb_path);

// Reads data.tar.* in archive order and writes every regular file to `dest_dir`/<n> (numbered,
// so no name from the package is ever a path on this machine). Device nodes and FIFOs are
// errors; "..", NUL and invalid UTF-8 in names are errors.
absl::StatusOr<std::vector<DebEntry>> ExtractDebData(const std::string& deb_path,
                                                     const std::string& dest_dir);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_DEB_ARCHIVE_H_
