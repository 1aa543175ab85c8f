// Licenses from a Debian copyright file, when it is machine-readable (DEP-5,
// https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/), and their SPDX form.
#ifndef STOWAGE_BUILDER_SBOM_DEP5_H_
#define STOWAGE_BUILDER_SBOM_DEP5_H_

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace stowage {
namespace sbom {

struct CopyrightLicenses {
  bool machine_readable = false;  // a DEP-5 file (its first paragraph has Format: .../1.0)
  // The License: short names of the Files paragraphs, in order, each once ("GPL-2+",
  // "BSD-3-clause or GPL-2+").
  std::vector<std::string> licenses;
  // Standalone License paragraphs: short name -> text.
  std::map<std::string, std::string> texts;
};

// Never fails: a file that is not DEP-5 gives machine_readable = false and no licenses.
CopyrightLicenses ParseDep5(absl::string_view text);

// One Debian license expression ("GPL-2+ or Artistic") as an SPDX expression
// ("(GPL-2.0-or-later OR Artistic-1.0-Perl)"). Names without an SPDX identifier become
// LicenseRef-<name>, added to `refs` (LicenseRef id -> the Debian name).
std::string SpdxExpression(absl::string_view debian, std::map<std::string, std::string>* refs);

// The SPDX identifier of a single Debian short name, or "" when there is none.
std::string SpdxId(absl::string_view debian_name);

}  // namespace sbom
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SBOM_DEP5_H_
