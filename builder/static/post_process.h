// Django's ManifestStaticFilesStorage.post_process (HashedFilesMixin), step for step: hashed
// copies named name.<md5[:12]>.ext, references in CSS (and JS source maps on 4.2) rewritten to
// hashed names, adjustable files re-processed until their hashes settle (at most
// max_post_process_passes = 5 extra passes), in Django's order (deepest paths first, then
// collection order). Output names and the manifest's paths therefore match collectstatic's.
#ifndef STOWAGE_BUILDER_STATIC_POST_PROCESS_H_
#define STOWAGE_BUILDER_STATIC_POST_PROCESS_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/static/storage.h"
#include "builder/static/url_patterns.h"

namespace stowage {

struct FoundFile {
  std::string name;  // the collected name (prefix + path), as in the manifest's keys
  BlobPtr blob;      // the source file's contents
};

struct PostProcessOptions {
  DjangoVersion version = DjangoVersion::k3_2;
  std::string static_url = "/static/";
  // true: a reference to a missing file fails, as collectstatic does. false: the reference is
  // left as written and reported as a warning.
  bool strict = true;
};

struct PostProcessResult {
  // The manifest's "paths": collected name -> final hashed name, in Django's insertion order.
  std::vector<std::pair<std::string, std::string>> hashed_files;
  // Every name HashedFilesMixin.hashed_name returned (WhiteNoise tracks these to delete
  // non-hashed files when keep_only_hashed_files is set).
  std::set<std::string> new_files;
  std::vector<std::string> warnings;
};

constexpr int kMaxPostProcessPasses = 5;

// Runs post-processing over `found` (in collection order). `storage` must already hold the
// collected originals under their names, as collectstatic copies them first.
absl::StatusOr<PostProcessResult> PostProcess(const std::vector<FoundFile>& found,
                                              const PostProcessOptions& options,
                                              VirtualStorage* storage);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_POST_PROCESS_H_
