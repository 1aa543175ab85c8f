// OpenPGP checks of a suite's InRelease (or Release + Release.gpg) with Debian's gpgv, against
// the keyring apt trusts for that source (Signed-By, else /etc/apt/trusted.gpg{,.d}).
#ifndef STOWAGE_BUILDER_DEB_SIGNATURE_H_
#define STOWAGE_BUILDER_DEB_SIGNATURE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

// Binary keyring files for gpgv from a Signed-By value (a keyring path, an armored ".asc"
// file, or an armored key block written inline in a .sources file), or, when it is empty,
// apt's default trusted keys under `etc_apt`. Armored keys are decoded into `scratch_dir`.
absl::StatusOr<std::vector<std::string>> KeyringsFor(const std::string& signed_by,
                                                     const std::string& etc_apt,
                                                     const std::string& scratch_dir);

// An armored OpenPGP block ("-----BEGIN PGP PUBLIC KEY BLOCK-----") decoded to binary.
absl::StatusOr<std::string> Dearmor(absl::string_view armored);

// Checks a clearsigned InRelease and returns the text that the signature covers, as gpgv
// wrote it (so nothing outside the signed part is ever parsed).
absl::StatusOr<std::string> VerifyClearsigned(absl::string_view inrelease,
                                              const std::vector<std::string>& keyrings,
                                              const std::string& scratch_dir,
                                              absl::string_view where);

// Checks a Release file against its detached signature (Release.gpg).
absl::Status VerifyDetached(absl::string_view release, absl::string_view signature,
                            const std::vector<std::string>& keyrings,
                            const std::string& scratch_dir, absl::string_view where);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_SIGNATURE_H_
