// Finding the files to collect, as collectstatic's finders do: sources in declared order, each
// with its own destination prefix; the first source that provides a name wins and later ones
// are reported ("Found another file with the destination path ..."); Django's ignore patterns
// (CVS, .*, *~ by default) apply to base names and source-relative paths. Within a source the
// order is utils.get_files' (a directory's files, then its subdirectories), with each listing
// sorted so the order never depends on the file system.
#ifndef STOWAGE_BUILDER_STATIC_COLLECT_H_
#define STOWAGE_BUILDER_STATIC_COLLECT_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace stowage {

// The largest static file collected: Django and stowage both hold every file in memory, and a
// stylesheet or script is measured in megabytes. Only regular files are collected at all.
constexpr int64_t kMaxStaticFileBytes = int64_t{512} << 20;

struct StaticSource {
  std::string prefix;        // destination prefix inside STATIC_ROOT ("" = the root)
  std::string strip_prefix;  // removed from every relative path; files outside it are an error
  // (path relative to the source, file to read)
  std::vector<std::pair<std::string, std::string>> files;
  // (path of the directory relative to the source, directory to walk)
  std::vector<std::pair<std::string, std::string>> dirs;
  std::string label;  // names the source in messages (a Bazel label), may be empty
  // The source is a whole package holding an installed app (Django's AppDirectoriesFinder:
  // only <app>/static is collected): files outside strip_prefix are left out instead of being
  // an error, and a strip_prefix with no file under it is an error (a mistyped app path).
  bool only_under_strip_prefix = false;
};

struct CollectedFile {
  std::string name;  // destination name inside STATIC_ROOT
  std::string path;  // file to read
};

struct CollectResult {
  std::vector<CollectedFile> files;  // in collection order
  std::vector<std::string> warnings;
};

// StaticFilesConfig.ignore_patterns.
const std::vector<std::string>& DefaultIgnorePatterns();

absl::StatusOr<CollectResult> CollectSources(const std::vector<StaticSource>& sources,
                                             const std::vector<std::string>& ignore_patterns);

// True when `a` comes before `b` in utils.get_files order over sorted listings.
bool GetFilesOrder(const std::string& a, const std::string& b);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_COLLECT_H_
