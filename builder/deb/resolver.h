// Dependency resolution for one architecture, as `apt-get install --no-install-recommends`
// would choose on an empty system: the closure of Depends and Pre-Depends of the requested
// packages, with alternatives, virtual packages (Provides), version constraints and Multi-Arch
// qualifiers interpreted as dpkg does. Recommends and Suggests are not followed.
//
// Choices are greedy and deterministic (docs/deb.md, "How packages are chosen"):
//  - a dependency already satisfied by a chosen package stays with it;
//  - otherwise its alternatives are tried in order; for each, the newest version of the real
//    package that satisfies the constraint, else the one package that provides the name;
//  - a virtual name with several providers takes the one that was requested by name, and is an
//    error otherwise (name one in the request);
//  - each package name is chosen once: a later constraint that the chosen version does not meet
//    is an error naming both sides.
// Conflicts and Breaks between chosen packages are errors. Essential packages are not added
// implicitly unless asked for (distroless images do not want them).
#ifndef STOWAGE_BUILDER_DEB_RESOLVER_H_
#define STOWAGE_BUILDER_DEB_RESOLVER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/deb/package_index.h"

namespace stowage {

struct ResolveRequest {
  std::string architecture;  // the native architecture of this resolution, e.g. "amd64"
  // Requested packages: "name" (its newest version) or "name=version" (exactly that one).
  std::vector<std::string> packages;
  bool include_essential = false;  // add every Essential: yes package, as debootstrap would
};

struct ResolvedPackage {
  const PackageRecord* record = nullptr;
  std::set<std::string> depends;  // names of chosen packages that satisfy its dependencies
  bool requested = false;
};

// By package name (one architecture: each name is chosen once).
using Resolution = std::map<std::string, ResolvedPackage>;

absl::StatusOr<Resolution> Resolve(const PackageUniverse& universe, const ResolveRequest& request);

// dpkg's deparchsatisfied(): whether `candidate` (a package or a provider) can satisfy `dep`
// written by a package of architecture `depender_arch`, on a system whose native architecture
// is `native`. `conflict` is true for Conflicts and Breaks, where ":any" matches everything.
bool ArchSatisfied(const PackageRecord& candidate, const Relation& dep,
                   const std::string& depender_arch, const std::string& native, bool conflict);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_RESOLVER_H_
