// What the Heroku Platform API and a pushed image give `stowage heroku-release`: the releases
// list, the manifest and config whose digest becomes the image id, and redaction of the API key
// from anything echoed. Input: a GET /apps/x/releases body, "@@@", a manifest, "@@@", a config
// ("@CONFIG@" in the manifest becomes the config's digest, "@CONFIGSIZE@" its size), "@@@", an
// API key. The formation update is built from the image id the manifest gives, as the release
// flow does.
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "builder/deploy/heroku_release.h"
#include "builder/digest/sha256.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 4);
  fuzz::Trace("releases", NewestRelease(in[0]).status());
  std::string manifest = absl::StrReplaceAll(
      in[1], {{"@CONFIG@", Sha256Digest(in[2])}, {"@CONFIGSIZE@", absl::StrCat(in[2].size())}});
  absl::StatusOr<std::string> image_id = HerokuImageId(manifest, in[2]);
  fuzz::Trace("image id", image_id.status());
  if (image_id.ok()) (void)FormationPatchBody("web", *image_id);
  // (A key made of letters of "[redacted]" could reappear inside the marker itself.)
  if (!in[3].empty() && in[3].find_first_of("[]redact") == std::string::npos) {
    std::string redacted = Redact(in[0], in[3]);
    if (absl::StrContains(redacted, in[3])) {
      fuzz::InvariantFailed("Redact left the secret in", in[3]);
    }
  }
  return 0;
}
