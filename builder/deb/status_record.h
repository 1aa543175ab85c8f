// dpkg's database entries for a package installed without dpkg: its status record (the
// control file plus "Status: install ok installed" and Conffiles), as dpkg writes it to
// /var/lib/dpkg/status and distroless images keep it in /var/lib/dpkg/status.d/<name>, and
// the file list dpkg keeps in /var/lib/dpkg/info/<name>.list.
#ifndef STOWAGE_BUILDER_DEB_STATUS_RECORD_H_
#define STOWAGE_BUILDER_DEB_STATUS_RECORD_H_

#include <string>

#include "absl/status/statusor.h"
#include "builder/deb/deb_archive.h"

namespace stowage {

struct PackageIdentity {
  std::string name;
  std::string version;
  std::string architecture;
  std::string multi_arch;  // "" or the Multi-Arch value

  // The name dpkg gives its info files: "libc6:amd64" for Multi-Arch: same, else "dash".
  std::string InfoName() const;
};

// The identity in a control file; errors name `where`.
absl::StatusOr<PackageIdentity> ReadIdentity(const DebControl& control, const std::string& where);

// The status record, ending in "\n" (paragraphs are joined with a blank line by the caller).
absl::StatusOr<std::string> DpkgStatusRecord(const DebControl& control, const std::string& where);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_STATUS_RECORD_H_
