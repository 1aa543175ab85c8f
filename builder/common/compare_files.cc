#include "builder/common/compare_files.h"

#include <sys/stat.h>

#include <cstring>
#include <vector>

#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace stowage {

absl::StatusOr<bool> SameFileContents(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  ASSIGN_OR_RETURN(int raw_a, OpenRegularFile(a, &sa));
  ScopedFd fa(raw_a);
  ASSIGN_OR_RETURN(int raw_b, OpenRegularFile(b, &sb));
  ScopedFd fb(raw_b);
  if (sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino) return true;
  if (sa.st_size != sb.st_size) return false;
  constexpr size_t kBlock = 1 << 16;
  std::vector<char> buf_a(kBlock), buf_b(kBlock);
  while (true) {
    ASSIGN_OR_RETURN(size_t na, ReadFully(fa.get(), buf_a.data(), kBlock, a));
    ASSIGN_OR_RETURN(size_t nb, ReadFully(fb.get(), buf_b.data(), kBlock, b));
    if (na != nb || std::memcmp(buf_a.data(), buf_b.data(), na) != 0) return false;
    if (na == 0) return true;
  }
}

}  // namespace stowage
