// staticfiles.json exactly as ManifestFilesMixin.save_manifest writes it with json.dumps:
//   3.2: {"paths": {...}, "version": "1.0"}
//   4.2: {"paths": {...}, "version": "1.1", "hash": "<md5 of
//   json.dumps(sorted(paths.items()))[:12]>"}
// Keys keep Django's insertion order; strings are ASCII-escaped as json.dumps does by default.
#ifndef STOWAGE_BUILDER_STATIC_MANIFEST_H_
#define STOWAGE_BUILDER_STATIC_MANIFEST_H_

#include <string>
#include <utility>
#include <vector>

#include "builder/static/url_patterns.h"

namespace stowage {

using ManifestPaths = std::vector<std::pair<std::string, std::string>>;

// ManifestFilesMixin.manifest_hash (Django 4.2+).
std::string ManifestHash(const ManifestPaths& paths);

std::string ManifestJson(const ManifestPaths& paths, DjangoVersion version);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_MANIFEST_H_
