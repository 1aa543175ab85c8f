// rules_oci's text forms of image settings (builder/oci/config_files.h): KEY=VALUE files,
// one-element-per-line files, comma lists and `created` values. Input: "@@@"-separated pieces:
// a KEY=VALUE text, a line list, a comma list, a created value.
// Properties: parsed KEY=VALUE entries have a non-empty key without "="; list elements are
// never empty; a created value that parses parses again to itself.
#include <cstdint>
#include <string>
#include <vector>

#include "builder/oci/config_files.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::vector<std::string> in = fuzz::SplitInput(data, size, 4);
  auto dict = oci::ParseKeyValueLines(in[0], "fuzz");
  if (dict.ok()) {
    for (const auto& [key, value] : *dict) {
      if (key.empty() || key.find('=') != std::string::npos ||
          key.find('\n') != std::string::npos) {
        fuzz::InvariantFailed("a KEY=VALUE line gave a bad key", key);
      }
    }
  }
  for (const std::string& e : oci::ParseLineList(in[1])) {
    if (e.empty()) fuzz::InvariantFailed("an empty element from a line list", in[1]);
  }
  for (const std::string& e : oci::ParseCommaList(in[2])) {
    if (e.empty()) fuzz::InvariantFailed("an empty element from a comma list", in[2]);
  }
  auto created = oci::ParseCreated(in[3], "created");
  if (created.ok()) {
    auto again = oci::ParseCreated(*created, "created");
    if (!again.ok() || *again != *created) {
      fuzz::InvariantFailed("a created value does not parse to itself", *created);
    }
  }
  return 0;
}
