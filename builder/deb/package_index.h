// The packages a Packages index offers, and the set of them a resolution chooses from.
#ifndef STOWAGE_BUILDER_DEB_PACKAGE_INDEX_H_
#define STOWAGE_BUILDER_DEB_PACKAGE_INDEX_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/deb/deb822.h"
#include "builder/deb/relation.h"
#include "builder/deb/version.h"

namespace stowage {

enum class MultiArch { kNo, kSame, kForeign, kAllowed };

absl::StatusOr<MultiArch> ParseMultiArch(absl::string_view text);
const char* MultiArchName(MultiArch m);  // "no", "same", "foreign", "allowed"

// One stanza of a Packages index: what resolution and fetching need.
struct PackageRecord {
  std::string name;
  DebVersion version;
  std::string version_text;  // as written in the index
  std::string architecture;  // "amd64", "arm64", ... or "all"
  MultiArch multi_arch = MultiArch::kNo;
  bool essential = false;
  std::string priority;
  std::string source;  // the source package ("" when it is the package's own name)
  std::vector<RelationGroup> depends;
  std::vector<RelationGroup> pre_depends;
  std::vector<Relation> provides;
  std::vector<Relation> conflicts;
  std::vector<Relation> breaks;
  std::string filename;  // path on the mirror, relative to the archive root ("pool/main/...")
  int64_t size = 0;
  std::string sha256;
  // Where it was found.
  std::string suite;
  std::string component;
};

// Parses one stanza; `where` names the index. Fields that a mirror controls are checked:
// a Filename must be a plain relative path under the archive ending in .deb, the SHA256 64
// lower-case hex digits, the Size a number below 4 GiB.
absl::StatusOr<PackageRecord> ParsePackageRecord(const Deb822Paragraph& paragraph,
                                                 absl::string_view where);

// A pool path as a Packages index gives it in Filename: relative, "/"-separated parts of safe
// characters, no "." or "..", ending in ".deb". It is joined to a mirror URL and becomes a file
// name, so nothing else may get in.
bool IsValidPoolPath(absl::string_view path);

// A Debian architecture name ("amd64", "arm64", "all", ...).
bool IsValidArchitecture(absl::string_view arch);

bool IsLowerHexSha256(absl::string_view s);

// Every package one resolution may choose from (one architecture plus "all"), indexed by name
// and by the virtual names they provide.
class PackageUniverse {
 public:
  // Adds a record; the same (name, version, architecture) seen again (in a later suite) is
  // ignored, so the first suite named wins.
  void Add(PackageRecord record);
  // Parses a whole Packages index and adds its records. Stanzas of architectures other than
  // `architecture` and "all" are skipped.
  absl::Status AddIndex(absl::string_view text, absl::string_view architecture,
                        absl::string_view suite, absl::string_view component,
                        absl::string_view where);

  // Every version of a real package, newest first (ties: the suite added first).
  const std::vector<const PackageRecord*>& Versions(absl::string_view name) const;
  // Every record that has `name` in its Provides, with the provided version (op kAny when the
  // Provides is unversioned).
  struct Provider {
    const PackageRecord* record;
    const Relation* provides;
  };
  const std::vector<Provider>& Providers(absl::string_view name) const;
  // Essential: yes packages (their newest versions), by name.
  std::vector<const PackageRecord*> Essential() const;
  size_t size() const { return records_.size(); }

 private:
  struct NewestFirst {
    bool operator()(const DebVersion* a, const DebVersion* b) const;
  };
  // The versions of one name, ordered as they are added (O(log n) each: a hostile index of
  // two million versions of one name must not cost a quadratic sort), listed on demand.
  struct Named {
    std::multimap<const DebVersion*, const PackageRecord*, NewestFirst> ordered;
    mutable std::vector<const PackageRecord*> listed;
    mutable bool stale = false;
  };
  std::vector<std::unique_ptr<PackageRecord>> records_;
  std::map<std::string, Named, std::less<>> by_name_;
  std::map<std::string, std::vector<Provider>, std::less<>> providers_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_PACKAGE_INDEX_H_
