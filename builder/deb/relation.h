// Package relationship fields of binary packages (deb-control(5), Policy 7.1): Depends,
// Pre-Depends, Conflicts, Breaks and Provides, e.g.
//   "libc6 (>= 2.34), debconf (>= 0.5) | debconf-2.0, python3:any, foo [amd64]"
#ifndef STOWAGE_BUILDER_DEB_RELATION_H_
#define STOWAGE_BUILDER_DEB_RELATION_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/deb/version.h"

namespace stowage {

struct Relation {
  std::string name;
  // "" (the depender's own architecture), "any", "native" or an architecture name.
  std::string arch_qualifier;
  VersionOp op = VersionOp::kAny;
  DebVersion version;  // when op != kAny
  // Architecture restriction list ("[amd64 !arm64]"): empty means every architecture.
  std::vector<std::string> architectures;

  // "name:qual (op version)" as written in a control file.
  std::string ToString() const;
  // Whether the restriction list, if any, keeps this relation on `arch`.
  bool AppliesTo(absl::string_view arch) const;
};

// Alternatives: "a | b" is satisfied by either.
using RelationGroup = std::vector<Relation>;

// Parses a Depends-style field (groups separated by ",", alternatives by "|"). An empty field is
// an empty list. `where` names the field in errors.
absl::StatusOr<std::vector<RelationGroup>> ParseRelationGroups(absl::string_view text,
                                                               absl::string_view where);

// Parses a field without alternatives (Conflicts, Breaks, Provides).
absl::StatusOr<std::vector<Relation>> ParseRelationList(absl::string_view text,
                                                        absl::string_view where);

// Debian package names: lower-case letters, digits, + - . and at least two characters,
// starting with a letter or digit (Policy 5.6.1).
bool IsValidPackageName(absl::string_view name);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_RELATION_H_
