#include "builder/deb/lock.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/status_macros.h"

namespace stowage {

LockedPackage ToLockedPackage(const ResolvedPackage& p) {
  const PackageRecord& r = *p.record;
  LockedPackage out;
  out.name = r.name;
  out.version = r.version_text;
  out.architecture = r.architecture;
  out.multi_arch = MultiArchName(r.multi_arch);
  out.suite = r.suite;
  out.component = r.component;
  out.filename = r.filename;
  out.size = r.size;
  out.sha256 = r.sha256;
  out.depends.assign(p.depends.begin(), p.depends.end());
  out.essential = r.essential;
  out.requested = p.requested;
  if (!r.source.empty() && r.source != r.name) out.source = r.source;
  return out;
}

absl::StatusOr<Lockfile> MakeLock(const LockInputs& inputs, ArchiveReader* reader) {
  if (inputs.suites.empty()) return absl::InvalidArgumentError("no suite to lock from (--suite)");
  if (inputs.packages.empty()) return absl::InvalidArgumentError("no package to lock (--package)");
  if (inputs.architectures.empty()) return absl::InvalidArgumentError("no architecture (--arch)");
  Lockfile lock;
  lock.inputs = inputs;
  // The result does not depend on the order packages and architectures are named in, so the
  // lockfile does not either (the order of suites matters: the first wins a tie).
  for (auto* list : {&lock.inputs.packages, &lock.inputs.architectures}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  for (const std::string& arch : inputs.architectures) {
    if (!IsValidArchitecture(arch) || arch == "all") {
      return absl::InvalidArgumentError(absl::StrCat("\"", arch, "\" is not an architecture"));
    }
    PackageUniverse universe;
    for (const std::string& suite : inputs.suites) {
      RETURN_IF_ERROR(reader->AddSuite(suite, inputs.components, arch, &universe));
    }
    ResolveRequest request;
    request.architecture = arch;
    request.packages = inputs.packages;
    request.include_essential = inputs.include_essential;
    auto resolution = Resolve(universe, request);
    if (!resolution.ok()) {
      return absl::Status(resolution.status().code(),
                          absl::StrCat(arch, " (suites ", absl::StrJoin(inputs.suites, ", "),
                                       "): ", resolution.status().message()));
    }
    auto& section = lock.packages[arch];
    for (const auto& [name, p] : *resolution) section.emplace(name, ToLockedPackage(p));
  }
  return lock;
}

}  // namespace stowage
