// Image config environments: `Env` entries from a base image ("KEY=VALUE" lines), `$VAR` and
// `${VAR}` expansion, and merging the rule's env over the base's. Input: base Env entries (one
// per line), "@@@", overrides ("KEY=VALUE" per line), "@@@", a value to expand.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "builder/oci/env.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 3);
  std::vector<std::string> entries = absl::StrSplit(in[0], '\n', absl::SkipEmpty());
  absl::StatusOr<oci::EnvList> base = oci::ParseEnvEntries(entries, "base config");
  oci::EnvList vars = base.ok() ? *base : oci::EnvList{};
  (void)oci::ExpandEnvValue(in[2], vars);
  std::map<std::string, std::string> overrides;
  for (absl::string_view line : absl::StrSplit(in[1], '\n', absl::SkipEmpty())) {
    std::pair<std::string, std::string> kv = absl::StrSplit(line, absl::MaxSplits('=', 1));
    (void)oci::ValidateEnvKey(kv.first);
    overrides[kv.first] = kv.second;
  }
  absl::StatusOr<oci::EnvList> merged = oci::MergeEnv(vars, overrides);
  if (merged.ok()) {
    // What MergeEnv returns is a valid environment: formatting and parsing it again gives it back.
    std::vector<std::string> formatted = oci::FormatEnv(*merged);
    absl::StatusOr<oci::EnvList> reparsed = oci::ParseEnvEntries(formatted, "merged");
    if (!reparsed.ok() || *reparsed != *merged) {
      fuzz::InvariantFailed("merged Env does not parse back to itself",
                            reparsed.ok() ? "different entries" : reparsed.status().ToString());
    }
  }
  return 0;
}
