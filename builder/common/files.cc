#include "builder/common/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"

namespace stowage {

absl::Status ErrnoStatus(absl::string_view what, absl::string_view path) {
  int err = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return ErrnoStatus("cannot open", path);
  std::string out;
  std::vector<char> buf(1 << 16);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) out.append(buf.data(), n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return ErrnoStatus("cannot read", path);
  return out;
}

AtomicFile::AtomicFile(std::string path, std::string temp_path, FILE* file)
    : path_(std::move(path)), temp_path_(std::move(temp_path)), file_(file) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : path_(std::move(other.path_)), temp_path_(std::move(other.temp_path_)), file_(other.file_) {
  other.file_ = nullptr;
  other.temp_path_.clear();
}

absl::StatusOr<AtomicFile> AtomicFile::Create(const std::string& path) {
  std::string temp = path + ".tmp.XXXXXX";
  std::vector<char> templ(temp.begin(), temp.end());
  templ.push_back('\0');
  int fd = mkstemp(templ.data());
  if (fd < 0) return ErrnoStatus("cannot create a file beside", path);
  // mkstemp uses 0600; outputs should be readable like any file the umask allows.
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  FILE* f = fdopen(fd, "wb");
  if (f == nullptr) {
    close(fd);
    unlink(templ.data());
    return ErrnoStatus("cannot open", path);
  }
  return AtomicFile(path, std::string(templ.data()), f);
}

AtomicFile::~AtomicFile() { Abandon(); }

void AtomicFile::Abandon() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (!temp_path_.empty()) {
    unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

absl::Status AtomicFile::Write(const void* data, size_t size) {
  if (file_ == nullptr) return absl::FailedPreconditionError("write after commit: " + path_);
  if (size > 0 && std::fwrite(data, 1, size, file_) != size) {
    return ErrnoStatus("cannot write", path_);
  }
  return absl::OkStatus();
}

absl::Status AtomicFile::Commit() {
  if (file_ == nullptr) return absl::FailedPreconditionError("commit twice: " + path_);
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) {
    absl::Status s = ErrnoStatus("cannot write", path_);
    Abandon();
    return s;
  }
  if (std::rename(temp_path_.c_str(), path_.c_str()) != 0) {
    absl::Status s = ErrnoStatus("cannot rename into", path_);
    Abandon();
    return s;
  }
  temp_path_.clear();
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  RETURN_IF_ERROR(file.Write(contents));
  return file.Commit();
}

}  // namespace stowage
