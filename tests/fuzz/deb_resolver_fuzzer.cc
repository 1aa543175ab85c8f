// Resolution over a hostile Packages index. Input: the index, "@@@", requested names (one a
// line). Invariant: every dependency edge of a resolved package points at a resolved package.
#include <cstdint>
#include <string>

#include "absl/strings/str_split.h"
#include "builder/deb/resolver.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = stowage::fuzz::SplitInput(data, size, 2);
  stowage::PackageUniverse universe;
  absl::Status s = universe.AddIndex(in[0], "amd64", "bookworm", "main", "Packages");
  stowage::fuzz::Trace("index", s);
  if (!s.ok()) return 0;
  stowage::ResolveRequest request;
  request.architecture = "amd64";
  for (absl::string_view name : absl::StrSplit(in[1], '\n', absl::SkipEmpty())) {
    request.packages.push_back(std::string(name));
    if (request.packages.size() == 16) break;
  }
  request.include_essential = !in[1].empty() && in[1][0] == '!';
  auto resolution = stowage::Resolve(universe, request);
  stowage::fuzz::Trace("resolve", resolution.status());
  if (!resolution.ok()) return 0;
  for (const auto& [name, p] : *resolution) {
    for (const std::string& dep : p.depends) {
      if (resolution->count(dep) == 0)
        stowage::fuzz::InvariantFailed("dangling edge", name + " -> " + dep);
    }
  }
  return 0;
}
