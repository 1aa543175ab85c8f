// The lockfile: every package a resolution chose, per architecture, with what is needed to
// fetch and verify it (its path on a mirror, size, SHA-256) and its dependency edges. No host
// names: mirrors are found at fetch time. Serialized as indented JSON with sorted keys and a
// final newline, so the same lock is always the same bytes and diffs read well.
#ifndef STOWAGE_BUILDER_DEB_LOCKFILE_H_
#define STOWAGE_BUILDER_DEB_LOCKFILE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

struct LockedPackage {
  std::string name;
  std::string version;
  std::string architecture;  // the package's own: the resolution's architecture or "all"
  std::string multi_arch;    // "no", "same", "foreign", "allowed"
  std::string suite;         // which configured suite's index offered it
  std::string component;
  std::string filename;  // "Filename:" of the index: path below the archive root
  int64_t size = 0;
  std::string sha256;
  std::vector<std::string> depends;  // locked package names (same architecture section)
  bool essential = false;
  bool requested = false;
  std::string source;  // source package name, "" when the same as name

  bool operator==(const LockedPackage& o) const;
};

// What the lock was made from, kept in the lockfile so an update can be checked against it.
struct LockInputs {
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::vector<std::string> architectures;
  std::vector<std::string> packages;
  bool include_essential = false;
};

struct Lockfile {
  static constexpr int kVersion = 1;
  LockInputs inputs;
  // architecture -> package name -> package.
  std::map<std::string, std::map<std::string, LockedPackage>> packages;
};

std::string SerializeLockfile(const Lockfile& lock);

// Parses a lockfile; every field is type-checked, nothing throws. `where` names it in errors.
absl::StatusOr<Lockfile> ParseLockfile(absl::string_view text, absl::string_view where);

// What changed from `before` to `after`, one line each ("amd64: + libfoo 1.2-1",
// "amd64: - libbar 0.9", "amd64: libssl3 3.0.20-1 -> 3.0.22-1"), in name order.
std::vector<std::string> DiffLockfiles(const Lockfile& before, const Lockfile& after);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_LOCKFILE_H_
