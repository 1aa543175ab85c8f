#include "builder/common/files.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/common/temp_cleanup.h"

namespace stowage {
namespace {

// Read once before main (umask() can only be read by setting it, which would race with threads
// that create files).
mode_t ReadUmask() {
  mode_t mask = umask(0);
  umask(mask);
  return mask;
}
const mode_t g_umask = ReadUmask();

const char* FileTypeName(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

absl::Status NotRegular(const std::string& path, mode_t mode) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, " is ", FileTypeName(mode), ", not a regular file"));
}

}  // namespace

absl::Status ErrnoStatus(absl::string_view what, absl::string_view path) {
  int err = errno;
  std::string message = absl::StrCat(what, " ", path, ": ", std::strerror(err));
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EACCES || err == EPERM) return absl::PermissionDeniedError(message);
  return absl::InternalError(message);
}

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) close(fd_);
}

absl::StatusOr<int> OpenRegularFile(const std::string& path, struct stat* st, PipePolicy pipes) {
  auto acceptable = [pipes](mode_t mode) {
    return S_ISREG(mode) || (pipes == PipePolicy::kAllow && S_ISFIFO(mode));
  };
  struct stat before;
  // Checked before opening too: opening some devices has effects of its own.
  if (stat(path.c_str(), &before) == 0 && !acceptable(before.st_mode)) {
    return NotRegular(path, before.st_mode);
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return ErrnoStatus("cannot open", path);
  struct stat opened;
  if (fstat(fd, &opened) != 0) {
    absl::Status s = ErrnoStatus("cannot stat", path);
    close(fd);
    return s;
  }
  if (!acceptable(opened.st_mode)) {  // swapped after the first check
    close(fd);
    return NotRegular(path, opened.st_mode);
  }
  int flags = fcntl(fd, F_GETFL);
  if (flags >= 0) fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
  if (st != nullptr) *st = opened;
  return fd;
}

absl::StatusOr<FILE*> OpenRegularFileStream(const std::string& path) {
  ASSIGN_OR_RETURN(int fd, OpenRegularFile(path));
  FILE* f = fdopen(fd, "rb");
  if (f == nullptr) {
    absl::Status s = ErrnoStatus("cannot open", path);
    close(fd);
    return s;
  }
  return f;
}

absl::StatusOr<size_t> ReadFully(int fd, char* data, size_t size, const std::string& path) {
  size_t done = 0;
  while (done < size) {
    ssize_t n = read(fd, data + done, size - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("cannot read", path);
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

absl::StatusOr<std::string> ReadFile(const std::string& path, int64_t max_bytes, PipePolicy pipes) {
  struct stat st;
  ASSIGN_OR_RETURN(int raw_fd, OpenRegularFile(path, &st, pipes));
  ScopedFd fd(raw_fd);
  auto too_large = [&] {
    return absl::ResourceExhaustedError(
        absl::StrCat(path, " is larger than the limit of ", max_bytes, " bytes"));
  };
  if (st.st_size > max_bytes) return too_large();
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  std::vector<char> buf(1 << 16);
  while (true) {
    ASSIGN_OR_RETURN(size_t n, ReadFully(fd.get(), buf.data(), buf.size(), path));
    if (n == 0) break;
    if (static_cast<int64_t>(out.size() + n) > max_bytes) return too_large();  // it grew
    out.append(buf.data(), n);
  }
  return out;
}

void PendingOutput::ForgetTemporary() {
  UnregisterTemporary(cleanup_handle_);
  cleanup_handle_ = -1;
}

absl::Status CommitOutputs(absl::Span<PendingOutput* const> outputs) {
  for (PendingOutput* output : outputs) {
    if (!output->installation_.staged()) {
      return absl::FailedPreconditionError("output committed twice: " + output->path());
    }
  }
  // On any failure nothing is left: installed outputs are undone, the others discarded.
  auto fail = [&](absl::Status s) {
    for (PendingOutput* output : outputs) {
      if (output->installation_.installed()) output->installation_.Undo();
    }
    for (PendingOutput* output : outputs) output->Discard();
    return s;
  };
  for (PendingOutput* output : outputs) {
    absl::Status s = output->Seal();
    if (!s.ok()) return fail(s);
  }
  for (PendingOutput* output : outputs) {
    absl::Status s = output->installation_.Install();
    if (!s.ok()) return fail(s);
  }
  for (PendingOutput* output : outputs) {
    output->installation_.Finish();
    output->ForgetTemporary();
  }
  return absl::OkStatus();
}

AtomicFile::AtomicFile(std::string path, std::string temp_path, FILE* file) : file_(file) {
  installation_ = Installation(std::move(temp_path), std::move(path), OutputKind::kFile);
}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept : file_(other.file_) {
  installation_ = std::move(other.installation_);
  cleanup_handle_ = other.cleanup_handle_;
  other.file_ = nullptr;
  other.installation_ = Installation();
  other.cleanup_handle_ = -1;
}

absl::StatusOr<AtomicFile> AtomicFile::Create(const std::string& path) {
  std::string target = OutputTarget(path);
  RETURN_IF_ERROR(CheckReplaceable(target, OutputKind::kFile));
  std::string temp = target + ".tmp.XXXXXX";
  std::vector<char> templ(temp.begin(), temp.end());
  templ.push_back('\0');
  int fd = mkostemp(templ.data(), O_CLOEXEC);  // O_EXCL: never opens what is already there
  if (fd < 0) return ErrnoStatus("cannot create a file beside", target);
  temp.assign(templ.data());
  int handle = RegisterTemporary(temp, /*is_directory=*/false);
  // mkstemp uses 0600; outputs should be readable like any file the umask allows.
  fchmod(fd, 0666 & ~g_umask);
  FILE* f = fdopen(fd, "wb");
  if (f == nullptr) {
    absl::Status s = ErrnoStatus("cannot open", temp);
    close(fd);
    unlink(temp.c_str());
    UnregisterTemporary(handle);
    return s;
  }
  AtomicFile file(target, temp, f);
  file.cleanup_handle_ = handle;
  return file;
}

AtomicFile::~AtomicFile() { Abandon(); }

void AtomicFile::Abandon() {
  if (file_ != nullptr) {
    std::fclose(file_);
    file_ = nullptr;
  }
  if (installation_.staged() && !installation_.temp().empty()) {
    unlink(installation_.temp().c_str());
  }
  ForgetTemporary();
}

absl::Status AtomicFile::Write(const void* data, size_t size) {
  if (file_ == nullptr) return absl::FailedPreconditionError("write after commit: " + path());
  if (size > 0 && std::fwrite(data, 1, size, file_) != size) {
    return ErrnoStatus("cannot write", path());
  }
  return absl::OkStatus();
}

absl::Status AtomicFile::Seal() {
  if (file_ == nullptr) return absl::FailedPreconditionError("commit twice: " + path());
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return ErrnoStatus("cannot write", path());
  return absl::OkStatus();
}

OutputDirectory::OutputDirectory(Installation installation) {
  installation_ = std::move(installation);
}

OutputDirectory::OutputDirectory(OutputDirectory&& other) noexcept {
  installation_ = std::move(other.installation_);
  cleanup_handle_ = other.cleanup_handle_;
  owns_temp_ = other.owns_temp_;
  other.installation_ = Installation();
  other.cleanup_handle_ = -1;
  other.owns_temp_ = false;
}

absl::StatusOr<OutputDirectory> OutputDirectory::Create(const std::string& path) {
  std::string target = OutputTarget(path);
  RETURN_IF_ERROR(CheckReplaceable(target, OutputKind::kDirectory));
  std::string temp = target + ".tmp.XXXXXX";
  std::vector<char> templ(temp.begin(), temp.end());
  templ.push_back('\0');
  if (mkdtemp(templ.data()) == nullptr)
    return ErrnoStatus("cannot create a directory beside", target);
  temp.assign(templ.data());
  int handle = RegisterTemporary(temp, /*is_directory=*/true);
  OutputDirectory dir(Installation(temp, target, OutputKind::kDirectory));
  dir.cleanup_handle_ = handle;
  // Fixed modes whatever the umask: the tree's bytes and modes never depend on the host.
  if (chmod(temp.c_str(), 0755) != 0) return ErrnoStatus("cannot chmod", temp);
  MarkAsStowageOutput(temp);  // best effort: without it a rerun refuses to replace the tree
  return dir;
}

OutputDirectory::~OutputDirectory() { Discard(); }

void OutputDirectory::Discard() {
  if (owns_temp_ && installation_.staged() && !installation_.temp().empty()) {
    RemovePath(installation_.temp());
  }
  ForgetTemporary();
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  ASSIGN_OR_RETURN(AtomicFile file, AtomicFile::Create(path));
  RETURN_IF_ERROR(file.Write(contents));
  return file.Commit();
}

}  // namespace stowage
