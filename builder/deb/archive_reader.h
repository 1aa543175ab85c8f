// Reads a Debian archive's indexes for locking: per suite its InRelease (signature checked with
// gpgv), then each component's Packages index for an architecture, checked against the size
// and SHA-256 the signed Release lists before anything in it is parsed.
#ifndef STOWAGE_BUILDER_DEB_ARCHIVE_READER_H_
#define STOWAGE_BUILDER_DEB_ARCHIVE_READER_H_

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builder/deb/apt_sources.h"
#include "builder/deb/mirror_fetch.h"
#include "builder/deb/package_index.h"
#include "builder/deb/release.h"

namespace stowage {

struct ArchiveConfig {
  std::string etc_apt = "/etc/apt";
  std::vector<AptSource> apt_sources;  // read from etc_apt
  MirrorOverrides overrides;           // --mirror / STOWAGE_DEB_MIRRORS
  std::vector<std::string> keyrings;   // --keyring: trusted instead of apt's keys
  bool allow_unsigned = false;         // --allow-unsigned: skip the OpenPGP check
  FetchOptions fetch;
  FILE* log = nullptr;  // progress lines ("fetched ..."), or nullptr
};

// Limits on what a mirror can make us read.
constexpr int64_t kMaxReleaseBytes = 16 << 20;
constexpr int64_t kMaxIndexBytes = int64_t{512} << 20;            // a compressed Packages file
constexpr int64_t kMaxUncompressedIndexBytes = int64_t{2} << 30;  // the same, decompressed

class ArchiveReader {
 public:
  explicit ArchiveReader(ArchiveConfig config)
      : config_(std::move(config)), fetcher_(config_.fetch) {}

  // Adds the packages of `suite`'s `components` for `architecture` (and "all") to `universe`.
  absl::Status AddSuite(const std::string& suite, const std::vector<std::string>& components,
                        const std::string& architecture, PackageUniverse* universe);

  // Bytes downloaded so far (indexes and Release files).
  int64_t downloaded() const { return downloaded_; }

 private:
  struct Suite {
    std::string root;  // the archive root that served the Release file
    ReleaseFile release;
  };
  absl::StatusOr<const Suite*> LoadSuite(const std::string& suite);
  absl::StatusOr<ReleaseFile> FetchRelease(const std::string& suite, const ArchiveRoot& root);
  absl::StatusOr<std::string> FetchIndex(const Suite& s, const std::string& suite,
                                         const std::string& path_without_suffix);

  ArchiveConfig config_;
  MirrorFetcher fetcher_;
  std::map<std::string, Suite> suites_;
  int64_t downloaded_ = 0;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_ARCHIVE_READER_H_
