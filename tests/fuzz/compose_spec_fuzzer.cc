// The compose_file rule's spec through `stowage compose`: compose.yaml and compose.prod.yaml.
// Input: the spec JSON, "@@@", the manifest digest. Property: both files are YAML that
// `stowage check` reads back without an error.
#include <cstdint>
#include <string>

#include "builder/common/json_file.h"
#include "builder/deploy/compose_manifest.h"
#include "builder/deploy/static_checks.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 2);
  absl::StatusOr<nlohmann::json> json = ParseJson(in[0], "compose_spec.json");
  if (!json.ok()) return 0;
  std::string digest = in[1].empty() ? "sha256:" + std::string(64, 'a') : in[1];
  absl::StatusOr<ComposeSpec> spec = ComposeSpecFromJson(*json, digest);
  fuzz::Trace("spec", spec.status());
  if (!spec.ok()) return 0;
  absl::StatusOr<ComposeFiles> files = GenerateCompose(*spec);
  fuzz::Trace("generate", files.status());
  if (!files.ok()) return 0;
  for (const std::string* text : {&files->development, &files->production}) {
    absl::StatusOr<std::vector<Finding>> findings = CheckComposeFile(*text, "compose.yaml");
    if (!findings.ok()) {
      fuzz::InvariantFailed("stowage check cannot read the Compose file stowage wrote",
                            std::string(findings.status().message()) + "\n" + *text);
    }
  }
  return 0;
}
