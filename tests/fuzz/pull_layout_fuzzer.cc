// `stowage pull` from an OCI layout: the layout's index.json, then an image index, manifest,
// config and layer as a registry would serve them (the same code paths read registry
// answers), with platform selection and every blob verified. Input: index.json, "@@@", the
// layer blob, "@@@", the config, "@@@", the manifest, "@@@", an image index, "@@@", the
// reference to pull (a tag, or "@MANIFEST@" / "@INDEX@" for a digest). "@LAYER@", "@CONFIG@",
// "@MANIFEST@", "@INDEX@" (and "...SIZE@") are filled with the digests of those pieces.
// Property: a pull that succeeds wrote pull.json; one that fails left no pull.json.
#include <sys/stat.h>

#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "builder/digest/sha256.h"
#include "builder/registry/pull.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/linked_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 6);
  const std::string& dir = fuzz::ScratchDir();
  fuzz::EmptyDir(dir);
  for (const char* sub : {"/staging", "/layout", "/layout/blobs", "/layout/blobs/sha256"}) {
    mkdir((dir + sub).c_str(), 0755);
  }
  std::vector<fuzz::LinkedFile> files = {
      {"LAYER", "layer"}, {"CONFIG", "config"}, {"MANIFEST", "manifest"}, {"INDEX", "index"}};
  std::vector<fuzz::WrittenFile> written =
      fuzz::WriteLinkedFiles(dir + "/staging", files, {in[1], in[2], in[3], in[4]});
  for (const fuzz::WrittenFile& f : written) {
    fuzz::WriteFileOrDie(dir + "/layout/blobs/sha256/" + std::string(DigestHex(f.digest)), f.bytes);
  }
  fuzz::WriteFileOrDie(dir + "/layout/index.json", fuzz::FillPlaceholders(in[0], files, written));
  fuzz::WriteFileOrDie(dir + "/layout/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");

  registry::PullRequest request;
  request.layout = dir + "/layout";
  std::string ref = fuzz::FillPlaceholders(in[5], files, written);
  if (absl::StartsWith(ref, "sha256:")) {
    request.digest = ref;
  } else {
    request.tag = ref.empty() ? "latest" : ref;
  }
  request.output = dir + "/out";
  request.jobs = 1;
  absl::StatusOr<std::string> digest = registry::Pull(request, nullptr);
  fuzz::Trace("pull", digest.status());
  struct stat st;
  bool summary = stat((dir + "/out/pull.json").c_str(), &st) == 0;
  if (digest.ok() != summary) {
    fuzz::InvariantFailed(
        digest.ok() ? "a pull succeeded without pull.json" : "a failed pull left pull.json",
        digest.ok() ? *digest : digest.status().ToString());
  }
  return 0;
}
