#include "builder/common/output_path.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builder/common/files.h"

namespace stowage {
namespace {

const char* Describe(mode_t mode) {
  if (S_ISLNK(mode)) return "a symlink";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISREG(mode)) return "a regular file";
  return "a special file";
}

// True when `st` is the current directory or one of its parents (replacing it would pull the
// working directory out from under the user).
bool IsCurrentDirectoryOrParent(const struct stat& st) {
  std::string path = ".";
  struct stat here;
  if (stat(path.c_str(), &here) != 0) return false;
  for (int depth = 0; depth < PATH_MAX / 2; ++depth) {
    if (here.st_dev == st.st_dev && here.st_ino == st.st_ino) return true;
    path += "/..";
    struct stat up;
    if (stat(path.c_str(), &up) != 0) return false;
    if (up.st_dev == here.st_dev && up.st_ino == here.st_ino) return false;  // reached "/"
    here = up;
  }
  return false;
}

bool IsEmptyDirectory(const std::string& path) {
  DIR* d = opendir(path.c_str());
  if (d == nullptr) return false;
  bool empty = true;
  while (dirent* e = readdir(d)) {
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  }
  closedir(d);
  return empty;
}

// Checks the object at `inspect` (the output path itself, or the temporary name an exchange
// moved it to) against what an output of `kind` may replace; messages name `name`.
absl::Status CheckObjectAt(const std::string& inspect, const std::string& name, OutputKind kind) {
  struct stat st;
  if (lstat(inspect.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return ErrnoStatus("cannot inspect the output", name);
  }
  if (kind == OutputKind::kFile) {
    if (S_ISREG(st.st_mode)) return absl::OkStatus();
    return absl::FailedPreconditionError(absl::StrCat("refusing to replace ", name, ": it is ",
                                                      Describe(st.st_mode),
                                                      "; a file output replaces only a regular "
                                                      "file (remove it or choose another path)"));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("refusing to replace ", name, ": it is ", Describe(st.st_mode),
                     "; a directory output replaces only an empty directory or one stowage wrote"));
  }
  if (IsCurrentDirectoryOrParent(st)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "refusing to replace ", name, ": it is the current directory or one of its parents"));
  }
  if (IsMarkedStowageOutput(inspect) || IsEmptyDirectory(inspect)) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("refusing to replace ", name,
                   ": it is a non-empty directory that stowage did not write (remove it or "
                   "choose another path)"));
}

bool RenameUnsupported(int err) { return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP; }

// "a/./b/../c" -> "a/c", made absolute against the working directory.
std::string AbsoluteLexical(const std::string& path) {
  std::string full = path;
  if (full.empty() || full[0] != '/') {
    char cwd[PATH_MAX];
    if (getcwd(cwd, sizeof(cwd)) != nullptr) full = absl::StrCat(cwd, "/", path);
  }
  std::vector<absl::string_view> parts;
  for (absl::string_view part : absl::StrSplit(full, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  return "/" + absl::StrJoin(parts, "/");
}

// One file system location per path: the real directory plus the last name.
std::string Identity(const std::string& path) {
  std::string target = OutputTarget(path);
  size_t slash = target.rfind('/');
  std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : target.substr(0, slash));
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  std::string real_dir;
  if (char* real = realpath(dir.c_str(), nullptr)) {
    real_dir = real;
    free(real);
  } else {
    real_dir = AbsoluteLexical(dir);
  }
  if (base.empty()) return real_dir;
  return real_dir == "/" ? "/" + base : absl::StrCat(real_dir, "/", base);
}

// Where a path lives: its resolved name, and the file it names when one is there, so that two
// names of one file (a hard link, a symlinked directory, "a/../b") compare equal.
struct Location {
  std::string name;
  bool exists = false;
  dev_t dev = 0;
  ino_t ino = 0;

  bool SameFileAs(const Location& other) const {
    return name == other.name || (exists && other.exists && dev == other.dev && ino == other.ino);
  }
};

// An output is never a symlink (CheckReplaceable refuses one), so its own name is kept; an
// input is followed to what it names (Bazel presents every input as a symlink).
Location Locate(const std::string& path, bool follow) {
  Location where;
  where.name = Identity(path);
  struct stat st;
  int rc = follow ? stat(path.c_str(), &st) : lstat(path.c_str(), &st);
  if (rc == 0) {
    where.exists = true;
    where.dev = st.st_dev;
    where.ino = st.st_ino;
    if (follow) {
      if (char* real = realpath(path.c_str(), nullptr)) {
        where.name = real;
        free(real);
      }
    }
  }
  return where;
}

bool Inside(const std::string& path, const std::string& dir) {
  return absl::StartsWith(path, dir == "/" ? dir : dir + "/");
}

}  // namespace

absl::Status CheckReplaceable(const std::string& path, OutputKind kind) {
  return CheckObjectAt(path, path, kind);
}

bool MarkAsStowageOutput(const std::string& dir) {
  static constexpr char kValue[] = "1";
  return lsetxattr(dir.c_str(), kOutputMarkerXattr, kValue, 1, 0) == 0;
}

bool IsMarkedStowageOutput(const std::string& dir) {
  return lgetxattr(dir.c_str(), kOutputMarkerXattr, nullptr, 0) >= 0;
}

std::string OutputTarget(const std::string& path) {
  std::string target = path;
  while (target.size() > 1 && target.back() == '/') target.pop_back();
  size_t slash = target.rfind('/');
  std::string base = slash == std::string::npos ? target : target.substr(slash + 1);
  if (base == "." || base == ".." || target == "/") {
    if (char* real = realpath(target.c_str(), nullptr)) {
      target = real;
      free(real);
    }
  }
  return target;
}

absl::Status CheckOutputPaths(const std::vector<NamedPath>& outputs,
                              const std::vector<NamedPath>& inputs) {
  for (const NamedPath& o : outputs) {
    absl::Status replaceable = CheckReplaceable(OutputTarget(o.path), o.kind);
    if (!replaceable.ok()) {
      return absl::Status(replaceable.code(), absl::StrCat(o.flag, ": ", replaceable.message()));
    }
  }
  std::vector<Location> out_ids, in_ids;
  for (const NamedPath& o : outputs) out_ids.push_back(Locate(o.path, /*follow=*/false));
  for (const NamedPath& i : inputs) in_ids.push_back(Locate(i.path, /*follow=*/true));
  for (size_t a = 0; a < outputs.size(); ++a) {
    for (size_t b = a + 1; b < outputs.size(); ++b) {
      if (out_ids[a].SameFileAs(out_ids[b])) {
        return absl::InvalidArgumentError(absl::StrCat(outputs[a].flag, " and ", outputs[b].flag,
                                                       " name the same file ", outputs[b].path,
                                                       "; each output needs its own path"));
      }
    }
  }
  for (size_t d = 0; d < outputs.size(); ++d) {
    if (outputs[d].kind != OutputKind::kDirectory) continue;
    for (size_t o = 0; o < outputs.size(); ++o) {
      if (o != d && Inside(out_ids[o].name, out_ids[d].name)) {
        return absl::InvalidArgumentError(absl::StrCat(
            outputs[o].flag, " ", outputs[o].path, " is inside the directory output ",
            outputs[d].flag, " ", outputs[d].path, "; it would vanish when that is replaced"));
      }
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (in_ids[i].SameFileAs(out_ids[d]) || Inside(in_ids[i].name, out_ids[d].name)) {
        return absl::InvalidArgumentError(absl::StrCat(
            "the input ", inputs[i].flag, " ", inputs[i].path, " is inside the directory output ",
            outputs[d].flag, " ", outputs[d].path, "; writing the output would destroy it"));
      }
    }
  }
  for (size_t o = 0; o < outputs.size(); ++o) {
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (out_ids[o].SameFileAs(in_ids[i])) {
        return absl::InvalidArgumentError(absl::StrCat(outputs[o].flag, " ", outputs[o].path,
                                                       " is also the input ", inputs[i].flag,
                                                       "; writing the output would destroy it"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDirectoryToFill(const std::string& flag, const std::string& dir,
                                  const std::string& own_file,
                                  const std::vector<NamedPath>& inputs) {
  // Overlap first: it is the more useful message when both apply (`--output LAYOUT/blobs`).
  Location out = Locate(dir, /*follow=*/false);
  for (const NamedPath& input : inputs) {
    Location in = Locate(input.path, /*follow=*/true);
    if (in.SameFileAs(out) || Inside(in.name, out.name) || Inside(out.name, in.name)) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " ", dir, " and the input ", input.flag,
                                                     " ", input.path,
                                                     " overlap; writing one would change the "
                                                     "other"));
    }
  }
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) {
    if (errno == ENOENT) return absl::OkStatus();  // created
    return ErrnoStatus(absl::StrCat(flag, ": cannot inspect the output"), dir);
  }
  if (!S_ISDIR(st.st_mode)) {
    // A symlink too: what it names would be filled, behind the user's back.
    return absl::FailedPreconditionError(absl::StrCat(flag, ": refusing to write into ", dir,
                                                      ": it is ", Describe(st.st_mode),
                                                      ", not a directory"));
  }
  struct stat own;
  bool ours = IsMarkedStowageOutput(dir) || IsEmptyDirectory(dir) ||
              lstat(absl::StrCat(dir, "/", own_file).c_str(), &own) == 0;
  if (!ours) {
    return absl::FailedPreconditionError(
        absl::StrCat(flag, ": refusing to write into ", dir,
                     ": it is a non-empty directory that stowage did not write (remove it or "
                     "choose another path)"));
  }
  return absl::OkStatus();
}

void RemovePath(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);  // removes symlinks, never follows them
  } else {
    unlink(path.c_str());
  }
}

absl::Status Installation::Install() {
  if (state_ != State::kStaged) {
    return absl::FailedPreconditionError("output installed twice: " + final_);
  }
  if (renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_NOREPLACE) == 0) {
    state_ = State::kInstalled;
    return absl::OkStatus();
  }
  int err = errno;
  if (err == EEXIST) {
    if (renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) == 0) {
      // What was there now sits at temp_: check it where nobody can swap it any more.
      absl::Status replaceable = CheckObjectAt(temp_, final_, kind_);
      if (!replaceable.ok()) {
        renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE);
        return replaceable;
      }
      replaced_ = temp_;
      state_ = State::kInstalled;
      return absl::OkStatus();
    }
    err = errno;
  }
  if (RenameUnsupported(err)) return InstallWithoutRenameat2();
  errno = err;
  return ErrnoStatus("cannot rename into", final_);
}

absl::Status Installation::InstallWithoutRenameat2() {
  absl::Status replaceable = CheckObjectAt(final_, final_, kind_);
  if (!replaceable.ok()) return replaceable;
  struct stat st;
  if (lstat(final_.c_str(), &st) == 0) {
    // Keep the old output aside (rename over an empty placeholder) so Undo can restore it.
    std::string templ = final_ + ".old.XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    bool made = false;
    if (S_ISDIR(st.st_mode)) {
      made = mkdtemp(buf.data()) != nullptr;
    } else {
      int fd = mkstemp(buf.data());
      made = fd >= 0;
      if (made) close(fd);
    }
    if (!made) return ErrnoStatus("cannot create a name beside", final_);
    std::string aside(buf.data());
    if (rename(final_.c_str(), aside.c_str()) != 0) {
      absl::Status s = ErrnoStatus("cannot move aside", final_);
      RemovePath(aside);
      return s;
    }
    if (rename(temp_.c_str(), final_.c_str()) != 0) {
      absl::Status s = ErrnoStatus("cannot rename into", final_);
      rename(aside.c_str(), final_.c_str());
      return s;
    }
    replaced_ = aside;
  } else if (rename(temp_.c_str(), final_.c_str()) != 0) {
    return ErrnoStatus("cannot rename into", final_);
  }
  state_ = State::kInstalled;
  return absl::OkStatus();
}

void Installation::Finish() {
  if (state_ != State::kInstalled) return;
  if (!replaced_.empty()) RemovePath(replaced_);
  state_ = State::kDone;
}

void Installation::Undo() {
  if (state_ != State::kInstalled) return;
  state_ = State::kDone;
  if (replaced_ == temp_) {
    if (renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) == 0) {
      RemovePath(temp_);  // now the new output
      return;
    }
  }
  RemovePath(final_);
  if (!replaced_.empty()) rename(replaced_.c_str(), final_.c_str());
}

}  // namespace stowage
