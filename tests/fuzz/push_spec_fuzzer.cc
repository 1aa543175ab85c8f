// `stowage push`'s plan: the oci_push rule's spec and the files it names (manifest, config,
// layer descriptor and blob, or an index and its images), checked against each other before
// anything goes over the network. Input: the spec JSON, "@@@", layer.tar.gz, "@@@",
// layer.json, "@@@", config.json, "@@@", manifest.json, "@@@", index.json. Placeholders
// "@LAYER@", "@CONFIG@", "@MANIFEST@" (and "...SIZE@") link the files. Spec paths are
// relative to the scratch directory.
#include <cstdint>
#include <string>

#include "builder/registry/push_plan.h"
#include "builder/registry/url.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/linked_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 6);
  const std::string& dir = fuzz::ScratchDir();
  fuzz::EmptyDir(dir);
  std::vector<fuzz::LinkedFile> files = {{"LAYER", "layer.tar.gz"},
                                         {"LAYERDESC", "layer.json"},
                                         {"CONFIG", "config.json"},
                                         {"MANIFEST", "manifest.json"},
                                         {"INDEX", "index.json"}};
  std::vector<fuzz::WrittenFile> written =
      fuzz::WriteLinkedFiles(dir, files, {in[1], in[2], in[3], in[4], in[5]});
  fuzz::WriteFileOrDie(dir + "/spec.json", fuzz::FillPlaceholders(in[0], files, written));
  registry::RepositoryRef target{"127.0.0.1:5000", "team/app"};
  (void)registry::ReadManifest(dir + "/manifest.json");
  (void)registry::ReadManifest(dir + "/index.json");
  absl::StatusOr<registry::PushPlan> plan = registry::PlanFromSpec(dir + "/spec.json", dir, target);
  fuzz::Trace("plan", plan.status());
  if (!plan.ok()) return 0;
  for (const registry::LocalBlob& blob : plan->blobs) {
    if (blob.size < 0) fuzz::InvariantFailed("a planned blob has a negative size", blob.digest);
  }
  return 0;
}
