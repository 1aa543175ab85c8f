#include "builder/tar/entry_plan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/tar/image_path.h"

namespace stowage {
namespace {

// stat() that follows symlinks, with an error that tells a broken link from a missing file.
absl::Status StatFollowing(const std::string& source, const std::string& where, struct stat* st) {
  if (stat(source.c_str(), st) == 0) return absl::OkStatus();
  int err = errno;
  struct stat link;
  if (err == ENOENT && lstat(source.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    return absl::NotFoundError(absl::StrCat("broken symlink ", source, " (", where, ")"));
  }
  if (err == ELOOP)
    return absl::InvalidArgumentError(absl::StrCat("symlink loop at ", source, " (", where, ")"));
  errno = err;
  return ErrnoStatus(absl::StrCat("cannot read source (", where, ")"), source);
}

class Planner {
 public:
  explicit Planner(const LayerSpec& spec) : spec_(spec) {}

  absl::StatusOr<std::vector<TarEntry>> Run() {
    for (const SpecEntry& entry : spec_.entries) RETURN_IF_ERROR(AddSpecEntry(entry));
    RETURN_IF_ERROR(AddImplicitParents());
    RETURN_IF_ERROR(ApplyModes());
    std::vector<TarEntry> out;
    out.reserve(entries_.size());
    for (auto& item : entries_) out.push_back(std::move(item.second));
    // Bytewise order of tar names: a directory "d/" is a prefix of, hence before, its children.
    std::sort(out.begin(), out.end(),
              [](const TarEntry& a, const TarEntry& b) { return a.TarName() < b.TarName(); });
    return out;
  }

 private:
  TarEntry WithAttrs(TarEntryType type, const std::string& path, const EntryAttrs& attrs,
                     const std::string& where) const {
    TarEntry e;
    e.type = type;
    e.path = path;
    e.uid = attrs.uid.value_or(spec_.uid);
    e.gid = attrs.gid.value_or(spec_.gid);
    e.uname = attrs.uname.value_or(spec_.uname);
    e.gname = attrs.gname.value_or(spec_.gname);
    e.mtime = attrs.mtime.value_or(spec_.mtime);
    e.where = where;
    return e;
  }

  absl::Status AddSpecEntry(const SpecEntry& spec_entry) {
    const std::string& where = spec_entry.where;
    ASSIGN_OR_RETURN(std::string path, NormalizeImagePath(spec_entry.path, where));
    switch (spec_entry.type) {
      case SpecEntryType::kSymlink: {
        if (path.empty())
          return absl::InvalidArgumentError(where + ": a symlink cannot be the image root");
        if (!IsValidUtf8(spec_entry.target)) {
          return absl::InvalidArgumentError(where + ": symlink target is not valid UTF-8");
        }
        TarEntry e = WithAttrs(TarEntryType::kSymlink, path, spec_entry.attrs, where);
        e.mode = spec_entry.attrs.mode.value_or(kSymlinkMode);
        e.link_target = spec_entry.target;
        return Insert(std::move(e));
      }
      case SpecEntryType::kDirectory: {
        if (path.empty())
          return absl::InvalidArgumentError(where + ": the image root cannot be an entry");
        TarEntry e = WithAttrs(TarEntryType::kDirectory, path, spec_entry.attrs, where);
        e.mode = spec_entry.attrs.mode.value_or(kDefaultDirectoryMode);
        return Insert(std::move(e));
      }
      case SpecEntryType::kFile:
      case SpecEntryType::kTree:
      case SpecEntryType::kSource:
        break;
    }
    struct stat st;
    RETURN_IF_ERROR(StatFollowing(spec_entry.source, where, &st));
    bool is_dir = S_ISDIR(st.st_mode);
    if (spec_entry.type == SpecEntryType::kFile && is_dir) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec_entry.source, " is a directory, but ", where, " is a file entry"));
    }
    if (spec_entry.type == SpecEntryType::kTree && !is_dir) {
      return absl::InvalidArgumentError(
          absl::StrCat(spec_entry.source, " is not a directory, but ", where, " is a tree entry"));
    }
    EntryAttrs attrs = spec_entry.attrs;
    if (spec_entry.file_mode.has_value()) attrs.mode = spec_entry.file_mode;
    if (!is_dir) {
      if (path.empty())
        return absl::InvalidArgumentError(where + ": a file cannot be the image root");
      return AddFile(spec_entry.source, st, path, attrs, where);
    }
    std::set<std::pair<dev_t, ino_t>> ancestors;
    return AddTree(spec_entry.source, st, path, attrs, where, &ancestors);
  }

  absl::Status AddFile(const std::string& source, const struct stat& st, const std::string& path,
                       const EntryAttrs& attrs, const std::string& where) {
    if (!S_ISREG(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat(source, " is not a regular file, directory or symlink (", where, ")"));
    }
    TarEntry e = WithAttrs(TarEntryType::kFile, path, attrs, where);
    e.source = source;
    e.size = st.st_size;
    e.mode =
        attrs.mode.value_or((st.st_mode & 0111) != 0 ? kDefaultExecutableMode : kDefaultFileMode);
    return Insert(std::move(e));
  }

  // Walks a directory, following symlinks (Bazel's sandbox links every input), refusing cycles.
  absl::Status AddTree(const std::string& dir, const struct stat& st, const std::string& path,
                       const EntryAttrs& attrs, const std::string& where,
                       std::set<std::pair<dev_t, ino_t>>* ancestors) {
    auto id = std::make_pair(st.st_dev, st.st_ino);
    if (!ancestors->insert(id).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("symlink cycle: ", dir, " leads back to one of its parents (", where, ")"));
    }
    if (!path.empty()) {
      TarEntry e = WithAttrs(TarEntryType::kDirectory, path, attrs, where);
      e.mode = kDefaultDirectoryMode;
      RETURN_IF_ERROR(Insert(std::move(e)));
    }
    DIR* d = opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus(absl::StrCat("cannot list directory (", where, ")"), dir);
    std::vector<std::string> names;
    errno = 0;
    while (dirent* ent = readdir(d)) {
      std::string name = ent->d_name;
      if (name != "." && name != "..") names.push_back(std::move(name));
    }
    int err = errno;
    closedir(d);
    if (err != 0) {
      errno = err;
      return ErrnoStatus(absl::StrCat("cannot list directory (", where, ")"), dir);
    }
    // Listing order is the filesystem's; the final sort makes output independent of it, and
    // sorting here makes error messages deterministic too.
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      std::string child = dir + "/" + name;
      if (!IsValidUtf8(name)) {
        return absl::InvalidArgumentError(
            absl::StrCat("file name is not valid UTF-8: ", child, " (", where, ")"));
      }
      struct stat child_st;
      RETURN_IF_ERROR(StatFollowing(child, where, &child_st));
      std::string child_path = JoinImagePath(path, name);
      if (S_ISDIR(child_st.st_mode)) {
        RETURN_IF_ERROR(AddTree(child, child_st, child_path, attrs, where, ancestors));
      } else {
        RETURN_IF_ERROR(AddFile(child, child_st, child_path, attrs, where));
      }
    }
    ancestors->erase(id);
    return absl::OkStatus();
  }

  // Same path twice is fine when both say the same thing; otherwise the layer would depend on
  // which one wins, so it is an error.
  absl::Status Insert(TarEntry e) {
    auto it = entries_.find(e.path);
    if (it == entries_.end()) {
      std::string key = e.path;
      entries_.emplace(std::move(key), std::move(e));
      return absl::OkStatus();
    }
    const TarEntry& old = it->second;
    bool same = old.type == e.type && old.mode == e.mode && old.uid == e.uid && old.gid == e.gid &&
                old.uname == e.uname && old.gname == e.gname && old.mtime == e.mtime &&
                old.link_target == e.link_target && old.size == e.size;
    if (same && e.type == TarEntryType::kFile) {
      ASSIGN_OR_RETURN(same, SameContents(old.source, e.source));
    }
    if (!same) {
      return absl::InvalidArgumentError(
          absl::StrCat("image path \"", e.path, "\" is given twice with different ",
                       e.type == old.type ? "content or attributes" : "types", " (", old.where,
                       " and ", e.where, ")"));
    }
    return absl::OkStatus();
  }

  static absl::StatusOr<bool> SameContents(const std::string& a, const std::string& b) {
    struct stat sa, sb;
    if (stat(a.c_str(), &sa) == 0 && stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
        sa.st_ino == sb.st_ino) {
      return true;
    }
    ASSIGN_OR_RETURN(std::string ca, ReadFile(a));
    ASSIGN_OR_RETURN(std::string cb, ReadFile(b));
    return ca == cb;
  }

  absl::Status AddImplicitParents() {
    std::vector<TarEntry> parents;
    for (const auto& item : entries_) {
      const std::string& path = item.first;
      for (size_t slash = path.find('/'); slash != std::string::npos;
           slash = path.find('/', slash + 1)) {
        std::string parent = path.substr(0, slash);
        auto it = entries_.find(parent);
        if (it != entries_.end()) {
          if (it->second.type != TarEntryType::kDirectory) {
            return absl::InvalidArgumentError(absl::StrCat(
                "image path \"", parent, "\" (", it->second.where, ") is not a directory, but \"",
                path, "\" (", item.second.where, ") is inside it"));
          }
          continue;
        }
        TarEntry e = WithAttrs(TarEntryType::kDirectory, parent, EntryAttrs(), "implicit parent");
        e.mode = kDefaultDirectoryMode;
        parents.push_back(std::move(e));
      }
    }
    for (TarEntry& e : parents) {
      std::string key = e.path;
      entries_.emplace(std::move(key), std::move(e));  // duplicates among parents are identical
    }
    return absl::OkStatus();
  }

  absl::Status ApplyModes() {
    for (const auto& [raw, mode] : spec_.modes) {
      ASSIGN_OR_RETURN(std::string path, NormalizeImagePath(raw, "modes"));
      auto it = entries_.find(path);
      if (it == entries_.end()) {
        return absl::InvalidArgumentError(
            absl::StrCat("modes names \"", raw, "\", which is not in the layer"));
      }
      if (it->second.type == TarEntryType::kSymlink) {
        return absl::InvalidArgumentError(
            absl::StrCat("modes names \"", raw, "\", which is a symlink"));
      }
      it->second.mode = mode;
    }
    return absl::OkStatus();
  }

  const LayerSpec& spec_;
  std::map<std::string, TarEntry> entries_;
};

}  // namespace

absl::StatusOr<std::vector<TarEntry>> PlanEntries(const LayerSpec& spec) {
  return Planner(spec).Run();
}

}  // namespace stowage
