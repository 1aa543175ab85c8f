// staticfiles.json bytes; expected strings are Python's json.dumps output for the same dicts.
#include "builder/static/manifest.h"

#include "gtest/gtest.h"

namespace stowage {
namespace {

const ManifestPaths kPaths = {
    {"css/b.css", "css/b.1.css"}, {"a.txt", "a.2.txt"}, {"\xC3\xA9.png", "\xC3\xA9.3.png"}};

TEST(Manifest, Django32Format) {
  EXPECT_EQ(ManifestJson(kPaths, DjangoVersion::k3_2),
            "{\"paths\": {\"css/b.css\": \"css/b.1.css\", \"a.txt\": \"a.2.txt\", "
            "\"\\u00e9.png\": \"\\u00e9.3.png\"}, \"version\": \"1.0\"}");
  EXPECT_EQ(ManifestJson({}, DjangoVersion::k3_2), "{\"paths\": {}, \"version\": \"1.0\"}");
}

TEST(Manifest, Django42AddsTheHashOfSortedPaths) {
  // md5(json.dumps(sorted(paths.items())))[:12], as ManifestFilesMixin.save_manifest.
  EXPECT_EQ(ManifestHash(kPaths), "44678e043eb2");
  EXPECT_EQ(ManifestHash({}), "d75171398898");
  EXPECT_EQ(
      ManifestJson(kPaths, DjangoVersion::k4_2),
      "{\"paths\": {\"css/b.css\": \"css/b.1.css\", \"a.txt\": \"a.2.txt\", "
      "\"\\u00e9.png\": \"\\u00e9.3.png\"}, \"version\": \"1.1\", \"hash\": \"44678e043eb2\"}");
  // Insertion order is kept in "paths" but does not change the hash.
  ManifestPaths reversed(kPaths.rbegin(), kPaths.rend());
  EXPECT_EQ(ManifestHash(reversed), "44678e043eb2");
}

}  // namespace
}  // namespace stowage
