// The whole of `collectstatic` with WhiteNoise's CompressedManifestStaticFilesStorage, as one
// function from sources to a finished tree: collect (finders), copy originals, post-process
// (hashed names, rewritten references, manifest), optionally drop non-hashed files, then
// precompress (in parallel; identical contents are compressed once).
#ifndef STOWAGE_BUILDER_STATIC_STATIC_ASSETS_H_
#define STOWAGE_BUILDER_STATIC_STATIC_ASSETS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/static/collect.h"
#include "builder/static/post_process.h"
#include "builder/static/storage.h"

namespace stowage {

// WhiteNoise variants of one input file, computed earlier by `stowage static-compress` (so Bazel
// caches them apart from the rest of the tree). An empty path: that variant is not kept.
struct Precompressed {
  std::string br_path;
  std::string gz_path;
};

struct StaticAssetsOptions {
  PostProcessOptions post_process;
  bool gzip = true;
  bool brotli = true;
  bool keep_only_hashed_files = false;                // WHITENOISE_KEEP_ONLY_HASHED_FILES
  std::vector<std::string> skip_compress_extensions;  // WHITENOISE_SKIP_COMPRESS_EXTENSIONS
  std::vector<std::string> ignore_patterns;
  int threads = 0;  // <= 0: one per core
  // By input file path. Any collected name whose content is that input's reuses the variants.
  std::map<std::string, Precompressed> precompressed;
};

StaticAssetsOptions DefaultStaticAssetsOptions();

struct StaticAssets {
  std::map<std::string, BlobPtr> files;  // the tree, staticfiles.json included
  std::string manifest;                  // staticfiles.json
  std::vector<std::string> warnings;
};

absl::StatusOr<StaticAssets> BuildStaticAssets(const std::vector<StaticSource>& sources,
                                               const StaticAssetsOptions& options);

// Writes `files` as a new directory `out_dir`: built in a temporary directory beside it and
// moved into place whole (builder/common/files.h, OutputDirectory: it replaces only an empty
// directory, as Bazel creates, or a tree stowage wrote). Modes are fixed (0755 directories, 0644
// files) whatever the umask. Nothing is left on failure.
absl::Status WriteTree(const std::map<std::string, BlobPtr>& files, const std::string& out_dir,
                       int threads);

// Fills the existing, empty directory `root` with `files` (what WriteTree does inside its
// temporary directory), for commands that commit the tree together with other outputs.
absl::Status FillTree(const std::map<std::string, BlobPtr>& files, const std::string& root,
                      int threads);

constexpr char kManifestName[] = "staticfiles.json";

// `stowage static-compress`: the WhiteNoise variants of each input, as a tree holding
// "<index>.br" and "<index>.gz" for the variants that are kept.
absl::StatusOr<std::map<std::string, BlobPtr>> PrecompressFiles(
    const std::vector<std::string>& paths, bool use_brotli, bool use_gzip, int threads);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_STATIC_ASSETS_H_
