// Bounds a directory walk that follows symlinks.
//
// Walks must follow symlinks: Bazel's sandbox presents every input, each file and directory of a
// tree artifact included, as a symlink into the execution root, so a walk that kept links would
// give other bytes sandboxed than unsandboxed (docs/layer.md, "Symlinks in trees"). Following
// them has two hazards, both refused here with one line: a link back to a directory being
// walked (a cycle), and links that reach the same directories over and over (a DAG such as
// d0/{a,b} -> d1, d1/{a,b} -> d2, ...: 2^n listings for n directories). A walk may list
// directories at most kMaxListingsPerDirectory times as often as it meets distinct ones, once
// past kFreeListings, so its work stays linear in the size of the tree on disk.
//
// A walk descends into a linked directory by its real path (PathToDescend): otherwise every
// level of links stays in the path it lists next, and past the kernel's 40 links per lookup
// the walk would stop at a misleading ELOOP before the guard saw the DAG.
#ifndef STOWAGE_BUILDER_COMMON_WALK_GUARD_H_
#define STOWAGE_BUILDER_COMMON_WALK_GUARD_H_

#include <sys/stat.h>

#include <cstdint>
#include <set>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stowage {

constexpr uint64_t kFreeListings = 4096;
constexpr uint64_t kMaxListingsPerDirectory = 16;

class WalkGuard {
 public:
  // `what` names the walk in errors ("entries[2]", "source //app:static").
  explicit WalkGuard(std::string what) : what_(std::move(what)) {}

  // Before listing `dir` (whose stat, links followed, is `st`).
  absl::Status Enter(const std::string& dir, const struct stat& st);
  // After listing it and everything below.
  void Leave(const struct stat& st);

  // The path to list `child`, a directory: `child` itself, or its real path when it is a symlink.
  static absl::StatusOr<std::string> PathToDescend(const std::string& child);

 private:
  std::string what_;
  std::set<std::pair<dev_t, ino_t>> ancestors_;
  std::set<std::pair<dev_t, ino_t>> seen_;
  uint64_t listings_ = 0;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_WALK_GUARD_H_
