// A suite's Release file (the signed content of InRelease): which indexes exist, with the size
// and SHA-256 that every index downloaded from the mirror is checked against.
#ifndef STOWAGE_BUILDER_DEB_RELEASE_H_
#define STOWAGE_BUILDER_DEB_RELEASE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

struct ReleaseEntry {
  int64_t size = 0;
  std::string sha256;
};

struct ReleaseFile {
  std::string suite;     // "Suite:" (e.g. oldstable)
  std::string codename;  // "Codename:" (e.g. bookworm)
  std::vector<std::string> architectures;
  std::vector<std::string> components;
  bool acquire_by_hash = false;
  // "No-Support-for-Architecture-all: Packages": architecture-all packages are listed in every
  // binary-<arch>/Packages, so binary-all/Packages must not be read as well.
  bool all_in_arch_indexes = false;
  std::map<std::string, ReleaseEntry> sha256;  // by path under dists/<suite>/

  // Whether this Release file is the one for `name` (its Suite or Codename), as apt checks, so
  // that a mirror cannot answer for one suite with another's files.
  bool Names(absl::string_view name) const { return name == suite || name == codename; }
};

// Parses the (already verified) text of a Release file. `where` names it in errors.
absl::StatusOr<ReleaseFile> ParseRelease(absl::string_view text, absl::string_view where);

// The signed text inside a clearsigned InRelease ("-----BEGIN PGP SIGNED MESSAGE-----"), with
// dash-escaping undone. Used only when signatures are not checked (--allow-unsigned); a
// checked signature yields the signed text from gpgv itself.
absl::StatusOr<std::string> ClearsignedText(absl::string_view inrelease);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_RELEASE_H_
