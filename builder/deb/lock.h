// Making a lock: for each architecture, every suite's indexes into one universe, resolve, and
// record what was chosen.
#ifndef STOWAGE_BUILDER_DEB_LOCK_H_
#define STOWAGE_BUILDER_DEB_LOCK_H_

#include "absl/status/statusor.h"
#include "builder/deb/archive_reader.h"
#include "builder/deb/lockfile.h"
#include "builder/deb/resolver.h"

namespace stowage {

// The lock entry of a resolved package.
LockedPackage ToLockedPackage(const ResolvedPackage& p);

absl::StatusOr<Lockfile> MakeLock(const LockInputs& inputs, ArchiveReader* reader);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_LOCK_H_
