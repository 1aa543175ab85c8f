#include "builder/static/collect.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/common/walk_guard.h"
#include "builder/static/py_compat.h"

namespace stowage {
namespace {

// A relative path made of plain components: no absolute paths, no "", "." or "..".
absl::Status ValidateRelative(const std::string& path, absl::string_view what) {
  if (path.size() > limits::kMaxImagePathBytes) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is ", path.size(),
                                                   " bytes long, more than the ",
                                                   limits::kMaxImagePathBytes, " a path may have"));
  }
  if (path.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(what, " contains a NUL byte"));
  }
  if (!py::IsValidUtf8(path)) {
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid UTF-8: ", path));
  }
  for (const std::string& part : py::Split(path, '/')) {
    if (part.empty() || part == "." || part == "..") {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " '", path, "' must be a relative path without '.', '..' or '//'"));
    }
  }
  return absl::OkStatus();
}

// The static tree's names (files and directories) add up to at most limits::kMaxTreeNameBytes.
class NameBudget {
 public:
  absl::Status Count(const std::string& name) {
    bytes_ += name.size() + 1;
    if (bytes_ <= limits::kMaxTreeNameBytes) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("the names of the static files and their directories add up to more than ",
                     limits::kMaxTreeNameBytes, " bytes, at '", name.substr(0, 60),
                     "...': paths nested this deep cannot be a real static tree"));
  }

 private:
  uint64_t bytes_ = 0;
};

std::string Origin(const StaticSource& source) {
  return source.label.empty() ? "" : " (" + source.label + ")";
}

// Only regular files are collected (symlinks followed): a FIFO would block the read forever
// and a device such as /dev/zero never ends.
absl::Status CheckRegular(const std::string& path, const StaticSource& source) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    return ErrnoStatus(absl::StrCat("cannot read static file", Origin(source)), path);
  }
  if (!S_ISREG(st.st_mode)) {
    return absl::InvalidArgumentError(
        absl::StrCat("static file ", path, Origin(source),
                     " is not a regular file (a FIFO, device, socket or "
                     "directory); only regular files are collected"));
  }
  if (st.st_size > kMaxStaticFileBytes) {
    return absl::InvalidArgumentError(absl::StrCat("static file ", path, Origin(source), " is ",
                                                   st.st_size, " bytes, more than the ",
                                                   kMaxStaticFileBytes, " a static file may have"));
  }
  return absl::OkStatus();
}

// Lists a directory tree (following symlinks, as Bazel's sandbox presents inputs as links;
// `guard` refuses cycles and DAGs that would expand exponentially).
absl::Status Walk(const std::string& dir, const struct stat& dir_st, const std::string& rel,
                  const StaticSource& source, WalkGuard* guard,
                  std::vector<std::pair<std::string, std::string>>* out) {
  RETURN_IF_ERROR(guard->Enter(dir, dir_st));
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return ErrnoStatus("cannot list directory", dir);
  std::vector<std::string> names;
  while (struct dirent* entry = readdir(d)) {
    std::string name = entry->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = absl::StrCat(dir, "/", name);
    std::string child = rel.empty() ? name : absl::StrCat(rel, "/", name);
    struct stat st;
    if (stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot read (broken link?)", path);
    if (S_ISDIR(st.st_mode)) {
      ASSIGN_OR_RETURN(std::string listed, WalkGuard::PathToDescend(path));
      RETURN_IF_ERROR(Walk(listed, st, child, source, guard, out));
    } else {
      RETURN_IF_ERROR(CheckRegular(path, source));
      out->emplace_back(child, path);
    }
  }
  guard->Leave(dir_st);
  return absl::OkStatus();
}

bool MatchesAny(const std::string& path, const std::vector<std::string>& patterns) {
  for (const std::string& p : patterns) {
    if (py::FnmatchCase(path, p)) return true;
  }
  return false;
}

// utils.get_files skips a file when its base name or its full path matches, and a directory
// when its base name matches.
bool Ignored(const std::string& rel, const std::vector<std::string>& patterns) {
  std::vector<std::string> parts = py::Split(rel, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (MatchesAny(parts[i], patterns)) return true;
  }
  if (MatchesAny(parts.back(), patterns)) return true;
  return parts.size() > 1 && MatchesAny(rel, patterns);
}

}  // namespace

const std::vector<std::string>& DefaultIgnorePatterns() {
  static const auto* list = new std::vector<std::string>{"CVS", ".*", "*~"};
  return *list;
}

bool GetFilesOrder(const std::string& a, const std::string& b) {
  std::vector<std::string> pa = py::Split(a, '/'), pb = py::Split(b, '/');
  for (size_t i = 0; i < pa.size() && i < pb.size(); ++i) {
    if (pa[i] == pb[i]) continue;
    bool a_file = i + 1 == pa.size(), b_file = i + 1 == pb.size();
    if (a_file != b_file) return a_file;  // a directory's files come before its subdirectories
    return pa[i] < pb[i];
  }
  return pa.size() < pb.size();
}

absl::StatusOr<CollectResult> CollectSources(const std::vector<StaticSource>& sources,
                                             const std::vector<std::string>& ignore_patterns) {
  std::vector<std::string> patterns;
  for (const std::string& p : ignore_patterns) patterns.push_back(py::Normpath(p));
  CollectResult result;
  std::map<std::string, size_t> by_name;  // name -> index in result.files
  std::set<std::string> directories;
  NameBudget names;
  for (const StaticSource& source : sources) {
    std::string prefix = source.prefix;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    if (!prefix.empty()) RETURN_IF_ERROR(ValidateRelative(prefix, "prefix"));
    std::string strip = source.strip_prefix;
    while (!strip.empty() && strip.back() == '/') strip.pop_back();
    if (!strip.empty()) RETURN_IF_ERROR(ValidateRelative(strip, "strip_prefix"));
    if (source.only_under_strip_prefix && strip.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("an app source needs its static directory",
                       source.label.empty() ? "" : " (" + source.label + ")"));
    }

    std::vector<std::pair<std::string, std::string>> entries = source.files;
    for (const auto& [rel, dir] : source.dirs) {
      if (!rel.empty()) RETURN_IF_ERROR(ValidateRelative(rel, "directory path"));
      struct stat st;
      if (stat(dir.c_str(), &st) != 0) return ErrnoStatus("cannot list directory", dir);
      if (!S_ISDIR(st.st_mode)) {
        return absl::InvalidArgumentError(absl::StrCat(dir, Origin(source), " is not a directory"));
      }
      WalkGuard guard(absl::StrCat("directory ", dir, Origin(source)));
      RETURN_IF_ERROR(Walk(dir, st, rel, source, &guard, &entries));
    }
    std::vector<std::pair<std::string, std::string>> kept;
    size_t under_strip = 0;
    for (auto& [rel, path] : entries) {
      RETURN_IF_ERROR(ValidateRelative(rel, "file path"));
      std::string inner = rel;
      if (!strip.empty()) {
        if (!absl::StartsWith(rel, strip + "/")) {
          if (source.only_under_strip_prefix) continue;
          return absl::InvalidArgumentError(
              absl::StrCat("'", rel, "' (", path, ") is not under strip_prefix '", strip, "'",
                           source.label.empty() ? "" : " of " + source.label));
        }
        inner = rel.substr(strip.size() + 1);
      }
      if (!Ignored(inner, patterns)) kept.emplace_back(inner, path);
      ++under_strip;
    }
    if (source.only_under_strip_prefix && under_strip == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("no file under the app's static directory '", strip, "'",
                       source.label.empty() ? "" : " of " + source.label, " (", entries.size(),
                       " files in the source; is the path right?)"));
    }
    std::stable_sort(kept.begin(), kept.end(),
                     [](const auto& a, const auto& b) { return GetFilesOrder(a.first, b.first); });
    for (const auto& [inner, path] : kept) {
      std::string name = prefix.empty() ? inner : absl::StrCat(prefix, "/", inner);
      auto found = by_name.find(name);
      if (found != by_name.end()) {
        if (result.files[found->second].path != path) {
          result.warnings.push_back(absl::StrCat(
              "Found another file with the destination path '", name, "' (", path,
              "). It will be ignored since only the first encountered file is collected (",
              result.files[found->second].path, ")."));
        }
        continue;
      }
      by_name.emplace(name, result.files.size());
      result.files.push_back(CollectedFile{name, path});
      RETURN_IF_ERROR(names.Count(name));
      // Up to the nearest directory already known (its parents are known too), so each
      // directory is added once: deep names cost linear work, not the sum of all their prefixes.
      for (size_t slash = name.rfind('/'); slash != std::string::npos && slash > 0;
           slash = name.rfind('/', slash - 1)) {
        std::string dir = name.substr(0, slash);
        if (directories.count(dir)) break;
        RETURN_IF_ERROR(names.Count(dir));
        directories.insert(std::move(dir));
      }
    }
  }
  for (const CollectedFile& file : result.files) {
    if (directories.count(file.name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", file.name, "' is both a file (", file.path, ") and a directory of other files"));
    }
  }
  return result;
}

}  // namespace stowage
