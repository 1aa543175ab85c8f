// Test helper: reads a layer blob back with libarchive (any compression) into plain structs.
#ifndef STOWAGE_TESTS_LAYER_TAR_READER_H_
#define STOWAGE_TESTS_LAYER_TAR_READER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace stowage {

struct ReadEntry {
  std::string name;
  char type = '?';  // 'f' file, 'd' directory, 'l' symlink
  unsigned mode = 0;
  int64_t uid = -1;
  int64_t gid = -1;
  bool has_uname = false;
  bool has_gname = false;
  int64_t mtime = -1;
  bool has_atime = false;
  bool has_ctime = false;
  std::string link_target;
  std::string contents;
};

// Reads every entry of a tar / tar.gz / tar.zst in `blob` (bytes). Fails the current test on
// a read error and returns what was read so far.
std::vector<ReadEntry> ReadTar(const std::string& blob);

// Every raw PAX extended-header key ("path", "mtime", ...) that appears in an uncompressed tar.
std::vector<std::string> PaxKeys(const std::string& tar);

// Decompresses gzip (multi-member) / zstd / nothing, by magic number.
std::string Decompress(const std::string& blob);

}  // namespace stowage

#endif  // STOWAGE_TESTS_LAYER_TAR_READER_H_
