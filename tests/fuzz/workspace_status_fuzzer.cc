// Bazel's workspace status files (stable-status.txt, volatile-status.txt) and "{KEY}" stamping
// of labels, annotations and push tags. Input: status text, "@@@", a value to stamp.
#include <cstdint>
#include <string>

#include "builder/common/workspace_status.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 2);
  std::map<std::string, std::string> status = ParseWorkspaceStatus(in[0]);
  std::string stamped = StampText(in[1], status);
  // With no status keys, stamping changes nothing.
  if (StampText(in[1], {}) != in[1]) fuzz::InvariantFailed("StampText with no keys changed", in[1]);
  (void)stamped;
  return 0;
}
