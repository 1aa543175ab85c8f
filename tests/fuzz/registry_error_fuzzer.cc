// A registry's (or token server's) error response turned into one status line. Input: the
// HTTP status as decimal digits, "@@@", the body. Property: the line carries no control
// character (the body is quoted escaped).
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "builder/registry/registry_error.h"
#include "tests/fuzz/fuzz_input.h"
#include "tests/fuzz/properties.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 2);
  long status = 500;
  if (!absl::SimpleAtoi(in[0], &status)) status = 500;
  (void)registry::DescribeErrorBody(in[1]);
  absl::Status error = registry::RegistryError(status, in[1], "GET manifest 127.0.0.1:5000/app:v1");
  if (error.ok()) fuzz::InvariantFailed("RegistryError returned OK", in[0]);
  fuzz::CheckServerTextQuoted(error);
  return 0;
}
