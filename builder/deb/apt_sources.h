// The machine's apt configuration: which archive roots (mirror URLs) serve which suites, and
// which keyring signs them. Read at run time from /etc/apt/sources.list (one-line format) and
// /etc/apt/sources.list.d/*.list and *.sources (deb822 format), as apt does; no mirror is
// written into stowage's code or a user's files.
#ifndef STOWAGE_BUILDER_DEB_APT_SOURCES_H_
#define STOWAGE_BUILDER_DEB_APT_SOURCES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

struct AptSource {
  std::vector<std::string> uris;  // archive roots, without a trailing "/"
  std::vector<std::string> suites;
  std::vector<std::string> components;
  std::vector<std::string> architectures;  // empty: not restricted
  std::string signed_by;  // a keyring file, an armored key block, or "" (apt's default keys)
  std::string where;      // file and line or paragraph, for messages
};

// "deb" entries of a sources.list file ("deb [arch=amd64 signed-by=/k.gpg] URI SUITE COMP...").
absl::StatusOr<std::vector<AptSource>> ParseOneLineSources(absl::string_view text,
                                                           absl::string_view where);
// "Types: deb" paragraphs of a .sources file; "Enabled: no" ones are skipped.
absl::StatusOr<std::vector<AptSource>> ParseDeb822Sources(absl::string_view text,
                                                          absl::string_view where);

// Every source in `etc_apt` (normally "/etc/apt"): sources.list, then sources.list.d/ in name
// order; files with other suffixes (".disabled", ".save") are ignored, as apt ignores them. A
// missing file or directory is not an error.
absl::StatusOr<std::vector<AptSource>> ReadAptSources(const std::string& etc_apt);

// Mirror overrides from --mirror flags or STOWAGE_DEB_MIRRORS: each token is "URL" (for every
// suite) or "SUITE=URL"; tokens in the variable are separated by spaces or commas.
struct MirrorOverrides {
  std::vector<std::string> any;
  std::map<std::string, std::vector<std::string>> by_suite;
  bool empty() const { return any.empty() && by_suite.empty(); }
};
absl::StatusOr<MirrorOverrides> ParseMirrorOverrides(const std::vector<std::string>& tokens);
std::vector<std::string> SplitMirrorList(absl::string_view text);

struct ArchiveRoot {
  std::string uri;
  std::string signed_by;  // from the apt source; "" for overrides and unsigned-by sources
  std::string where;
};

// The archive roots for `suite`: the overrides for that suite, else the overrides for every
// suite, else the apt sources that list the suite (in configuration order, without repeats).
std::vector<ArchiveRoot> ArchiveRootsFor(const std::string& suite, const MirrorOverrides& overrides,
                                         const std::vector<AptSource>& sources);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_APT_SOURCES_H_
