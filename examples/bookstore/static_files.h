// Static files served the way WhiteNoise serves a Django STATIC_ROOT: one walk of the tree at
// startup, then every request is a hash-table lookup with headers computed in advance.
//
// - URLs are STATIC_URL + the path under the root; only files found by that walk are served,
//   so "..", "//", "\" or symlink tricks in a request can never reach outside the table.
// - `<name>.br` and `<name>.gz` beside `<name>` are its pre-compressed variants (not URLs of
//   their own), chosen by Accept-Encoding; `Vary: Accept-Encoding` is sent when they exist.
// - Names listed as values of `staticfiles.json` "paths" (Django's ManifestStaticFilesStorage)
//   contain a content hash and are cached forever; everything else for `max_age` seconds.
// - ETag: a strong validator made from the SHA-256 of each variant's bytes, so it is correct
//   even when the image layer sets every mtime to 0 (where WhiteNoise's "<mtime>-<size>"
//   ETag would be absent) and differs between the identity, gzip and brotli bytes.
//   Last-Modified is sent only for a non-zero mtime, as WhiteNoise does.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_STATIC_FILES_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_STATIC_FILES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "examples/bookstore/accept_encoding.h"
#include "examples/bookstore/http_types.h"

namespace bookstore {

struct StaticVariant {
  Coding coding = Coding::kIdentity;
  std::string fs_path;  // where the bytes are on disk
  uint64_t size = 0;
  bool in_memory = false;
  std::string data;  // the bytes, when in_memory
  std::string etag;  // quoted strong ETag
};

struct StaticFile {
  std::string url;            // "/static/css/site.0123456789ab.css"
  std::string relative_path;  // "css/site.0123456789ab.css"
  std::string content_type;   // with "; charset=utf-8" for text/*
  std::string cache_control;
  std::string last_modified;  // HTTP date, empty when the mtime is 0
  int64_t mtime = 0;
  bool immutable = false;
  std::vector<StaticVariant> variants;  // [0] is the identity; then brotli, gzip if present

  bool has_compressed_variants() const { return variants.size() > 1; }
  const StaticVariant* Variant(Coding coding) const;
};

struct StaticOptions {
  std::string root;
  std::string url_prefix = "/static/";
  int max_age = 60;  // seconds, for names that are not hashed (WhiteNoise: 60, 0 in DEBUG)
  bool allow_all_origins = true;
  uint64_t max_memory_file_size = 1 << 20;   // larger files are read from disk per request
  uint64_t max_memory_total = 256ull << 20;  // bytes kept in memory across all files
};

// The parts of a request that decide a static response.
struct StaticRequest {
  absl::string_view method;
  absl::optional<absl::string_view> accept_encoding;
  absl::optional<absl::string_view> if_none_match;
  absl::optional<absl::string_view> if_modified_since;
  absl::optional<absl::string_view> range;
  absl::optional<absl::string_view> if_range;
};

struct StaticDecision {
  int status = 200;                        // 200, 206, 304, 405 or 416
  const StaticVariant* variant = nullptr;  // set for 200, 206 and 304
  uint64_t offset = 0;
  uint64_t length = 0;  // bytes of the body (0 for 304/405/416)
};

class StaticFiles {
 public:
  // Walks options.root once. An absent root is a NotFound error (the caller may carry on
  // without static files, as WhiteNoise warns and carries on).
  static absl::StatusOr<std::unique_ptr<StaticFiles>> Load(const StaticOptions& options);
  // A table with no files, for servers without a static root.
  static std::unique_ptr<StaticFiles> Empty(const StaticOptions& options);

  const StaticFile* Find(absl::string_view url_path) const;
  const std::vector<const StaticFile*>& files() const { return sorted_; }
  const StaticOptions& options() const { return options_; }

  // The URL of a logical name ("css/site.css"), hashed through staticfiles.json when listed,
  // like Django's {% static %}; `use_manifest` false gives the plain name (DEBUG).
  std::string Url(absl::string_view name, bool use_manifest = true) const;

 private:
  explicit StaticFiles(StaticOptions options) : options_(std::move(options)) {}

  StaticOptions options_;
  absl::flat_hash_map<std::string, std::unique_ptr<StaticFile>> by_url_;
  std::vector<const StaticFile*> sorted_;
  std::map<std::string, std::string> manifest_;  // logical name -> hashed name
};

// Decides status and variant: 405 for methods other than GET/HEAD; 304 when If-None-Match
// matches the chosen variant's ETag (weak comparison, "*" matches), or, without
// If-None-Match, when If-Modified-Since is not older than Last-Modified; 206/416 for one
// byte range (several ranges, or an If-Range that does not match, give the whole file).
StaticDecision DecideStatic(const StaticFile& file, const StaticRequest& request);

// Headers of a 200 for `variant` (Content-Length is left to the HTTP layer).
Headers StaticOkHeaders(const StaticFile& file, const StaticVariant& variant,
                        bool allow_all_origins);
// Headers for a decision (200, 206, 304, 405, 416).
Headers StaticDecisionHeaders(const StaticFile& file, const StaticDecision& decision,
                              bool allow_all_origins);

// True when an If-None-Match list matches `etag` by weak comparison.
bool EtagMatches(absl::string_view if_none_match, absl::string_view etag);

// RFC 9110 IMF-fixdate for a Unix time ("Sun, 06 Nov 1994 08:49:37 GMT").
std::string HttpDate(int64_t unix_seconds);
// Parses an IMF-fixdate; nullopt when malformed.
absl::optional<int64_t> ParseHttpDate(absl::string_view text);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_STATIC_FILES_H_
