// Debian package versions ([epoch:]upstream[-revision]) compared exactly as dpkg compares them
// (dpkg's lib/dpkg/version.c: verrevcmp), and the relation operators of dependency fields.
#ifndef STOWAGE_BUILDER_DEB_VERSION_H_
#define STOWAGE_BUILDER_DEB_VERSION_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

struct DebVersion {
  long epoch = 0;
  std::string upstream;
  std::string revision;  // "" when the version has no "-"

  // The version as dpkg prints it: the epoch only when non-zero.
  std::string ToString() const;
};

// Parses a version with dpkg's rules: an optional numeric epoch before the first ':', the
// revision after the last '-', an upstream part that starts with a digit and holds only
// alphanumerics and . + ~ - :, a revision of alphanumerics and . + ~.
absl::StatusOr<DebVersion> ParseDebVersion(absl::string_view text);

// <0, 0, >0 as a is older than, the same as or newer than b (dpkg_version_compare).
int CompareDebVersions(const DebVersion& a, const DebVersion& b);

// The relation operators of deb-control(5). "<" and ">" are the obsolete spellings of "<=" and
// ">=" and are read as such.
enum class VersionOp { kAny, kLess, kLessEqual, kEqual, kGreaterEqual, kGreater };

absl::StatusOr<VersionOp> ParseVersionOp(absl::string_view text);
const char* VersionOpText(VersionOp op);  // "<<", "<=", "=", ">=", ">>" ("" for kAny)

// Whether `version` satisfies "op reference" (always true for kAny).
bool VersionSatisfies(const DebVersion& version, VersionOp op, const DebVersion& reference);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_VERSION_H_
