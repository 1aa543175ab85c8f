#include "tests/fuzz/properties.h"

#include "absl/strings/match.h"
#include "builder/common/json_file.h"
#include "tests/fuzz/fuzz_input.h"

namespace stowage {
namespace fuzz {
namespace {

bool HasControlCharacter(absl::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

void CheckFindings(const std::vector<Finding>& findings) {
  for (const Finding& f : findings) {
    (void)FormatFinding(f);
    if (absl::StrContains(f.message, kCanarySecret)) {
      InvariantFailed("a finding quotes a secret value", f.message);
    }
    if (HasControlCharacter(f.message)) {
      InvariantFailed("a finding carries a control character", f.message);
    }
  }
  // What `stowage check --json` prints; it must not throw on any message.
  (void)JsonForDisplay(nlohmann::json{{"findings", FindingsToJson(findings)}}, 2);
}

void CheckServerTextQuoted(const absl::Status& status) {
  if (HasControlCharacter(status.message())) {
    InvariantFailed("an error message carries a control character", std::string(status.message()));
  }
}

}  // namespace fuzz
}  // namespace stowage
