// Properties several fuzz targets assert about what stowage prints: findings of `stowage check`
// print (text and --json, as check_command does) and never quote the canary secret; no
// finding or error message carries a control character (server text is escaped, and a
// message stays one line).
#ifndef STOWAGE_TESTS_FUZZ_PROPERTIES_H_
#define STOWAGE_TESTS_FUZZ_PROPERTIES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "builder/deploy/findings.h"

namespace stowage {
namespace fuzz {

// Stands for a secret value in inputs ("@SECRET@" is replaced by it). It looks like one (a
// GitHub token), so wherever the fuzzer moves it, `stowage check` must know not to print it.
inline constexpr char kCanarySecret[] = "ghp_Zq9canary7TnSecretAbCdEfGh";

void CheckFindings(const std::vector<Finding>& findings);

// An error that quotes server text: its message has no control characters.
void CheckServerTextQuoted(const absl::Status& status);

}  // namespace fuzz
}  // namespace stowage

#endif  // STOWAGE_TESTS_FUZZ_PROPERTIES_H_
