#include "builder/tar/entry_plan.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/compare_files.h"
#include "builder/common/files.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/common/walk_guard.h"
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

// The last component of a normalized image path.
absl::string_view BaseName(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// A name the layers below read as an instruction (OCI image spec, "Whiteouts"): ".wh.x" deletes
// x, ".wh..wh..opq" empties a directory.
bool IsWhiteoutName(absl::string_view name) { return absl::StartsWith(name, ".wh."); }

absl::Status UnaskedWhiteout(const std::string& path, const std::string& where) {
  return absl::InvalidArgumentError(absl::StrCat(
      "image path \"", path, "\" (", where, ") is named like a whiteout (.wh.*), which would ",
      "delete files of the layers below; oci_layer's whiteouts and opaque_dirs write those"));
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
    for (auto& item : entries_) out.push_back(std::move(*item.second));
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
    if (spec_entry.whiteout) {
      if (spec_entry.type != SpecEntryType::kFile || !IsWhiteoutName(BaseName(path))) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": \"whiteout\" is for file entries named .wh.*"));
      }
    } else if (IsWhiteoutName(BaseName(path))) {
      return UnaskedWhiteout(path, where);
    }
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
    WalkGuard guard(absl::StrCat("source ", spec_entry.source, ", ", where));
    return AddTree(spec_entry.source, st, path, attrs, where, &guard);
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

  // Walks a directory, following symlinks (Bazel's sandbox links every input); `guard` refuses
  // cycles and symlink DAGs that would list the same directories exponentially often.
  absl::Status AddTree(const std::string& dir, const struct stat& st, const std::string& path,
                       const EntryAttrs& attrs, const std::string& where, WalkGuard* guard) {
    RETURN_IF_ERROR(guard->Enter(dir, st));
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
      std::string child_path = JoinImagePath(path, name);
      // A tree is copied as it is: a .wh.* file in it is a mistake, not a request to delete.
      if (IsWhiteoutName(name))
        return UnaskedWhiteout(child_path, absl::StrCat(child, ", ", where));
      struct stat child_st;
      RETURN_IF_ERROR(StatFollowing(child, where, &child_st));
      if (S_ISDIR(child_st.st_mode)) {
        ASSIGN_OR_RETURN(std::string listed, WalkGuard::PathToDescend(child));
        RETURN_IF_ERROR(AddTree(listed, child_st, child_path, attrs, where, guard));
      } else {
        RETURN_IF_ERROR(AddFile(child, child_st, child_path, attrs, where));
      }
    }
    guard->Leave(st);
    return absl::OkStatus();
  }

  // Same path twice is fine when both say the same thing; otherwise the layer would depend on
  // which one wins, so it is an error.
  absl::Status Insert(TarEntry e) {
    auto it = entries_.find(e.path);
    if (it == entries_.end()) {
      // Tree walks join names without NormalizeImagePath: the same cap holds for them.
      if (e.path.size() > kMaxImagePathBytes) return ImagePathTooLong(e.path, e.where);
      RETURN_IF_ERROR(CountName(e));
      Add(std::move(e));
      return absl::OkStatus();
    }
    const TarEntry& old = *it->second;
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

  // Compared side by side in small blocks: two large files on one path are never read whole.
  static absl::StatusOr<bool> SameContents(const std::string& a, const std::string& b) {
    return SameFileContents(a, b);
  }

  // Every entry's name goes into the tar in full, parents included; their sum is capped so that
  // deeply nested paths cannot make the plan (or the tar) quadratic in the spec's size.
  absl::Status CountName(const TarEntry& e) {
    name_bytes_ += e.path.size() + 1;
    if (name_bytes_ <= limits::kMaxTreeNameBytes) return absl::OkStatus();
    return absl::InvalidArgumentError(absl::StrCat(
        "the names of this layer's entries (implicit parent directories included) add up to more "
        "than ",
        limits::kMaxTreeNameBytes, " bytes, at \"", e.path.substr(0, 60), "...\" (", e.where,
        "): paths nested this deep cannot be a real layer"));
  }

  // Adds the missing parents of every path. Each path walks up only to its nearest parent that
  // is already there (whose own parents were seen to when it was added or visited), so every
  // directory is made once and the work is linear in the names of the entries.
  absl::Status AddImplicitParents() {
    std::vector<const TarEntry*> explicit_entries;
    explicit_entries.reserve(entries_.size());
    for (const auto& item : entries_) explicit_entries.push_back(item.second.get());
    for (const TarEntry* child : explicit_entries) {
      const std::string& path = child->path;
      const std::string& where = child->where;
      for (size_t slash = path.rfind('/'); slash != std::string::npos && slash > 0;
           slash = path.rfind('/', slash - 1)) {
        absl::string_view parent(path.data(), slash);
        auto it = entries_.find(parent);
        if (it != entries_.end()) {
          if (it->second->type != TarEntryType::kDirectory) {
            return absl::InvalidArgumentError(absl::StrCat(
                "image path \"", parent, "\" (", it->second->where, ") is not a directory, but \"",
                path, "\" (", where, ") is inside it"));
          }
          break;
        }
        TarEntry e = WithAttrs(TarEntryType::kDirectory, std::string(parent), EntryAttrs(),
                               "implicit parent");
        e.mode = kDefaultDirectoryMode;
        RETURN_IF_ERROR(CountName(e));
        Add(std::move(e));
      }
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
      if (it->second->type == TarEntryType::kSymlink) {
        return absl::InvalidArgumentError(
            absl::StrCat("modes names \"", raw, "\", which is a symlink"));
      }
      it->second->mode = mode;
    }
    return absl::OkStatus();
  }

  // Keyed by a view of the entry's own path: each name is held once (names are most of the
  // plan's memory).
  void Add(TarEntry e) {
    auto owned = std::make_unique<TarEntry>(std::move(e));
    absl::string_view key = owned->path;
    entries_.emplace(key, std::move(owned));
  }

  const LayerSpec& spec_;
  std::map<absl::string_view, std::unique_ptr<TarEntry>> entries_;
  uint64_t name_bytes_ = 0;
};

}  // namespace

absl::StatusOr<std::vector<TarEntry>> PlanEntries(const LayerSpec& spec) {
  return Planner(spec).Run();
}

}  // namespace stowage
