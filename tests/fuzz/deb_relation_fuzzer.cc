// Debian versions and relationship fields. Invariants: a version equals itself and reads back
// from its own ToString(); a parsed relation's ToString() parses to the same relation.
#include <cstdint>
#include <string>

#include "builder/deb/relation.h"
#include "builder/deb/version.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = stowage::fuzz::SplitInput(data, size, 3);
  absl::StatusOr<stowage::DebVersion> a = stowage::ParseDebVersion(in[0]);
  absl::StatusOr<stowage::DebVersion> b = stowage::ParseDebVersion(in[1]);
  if (a.ok()) {
    if (stowage::CompareDebVersions(*a, *a) != 0) {
      stowage::fuzz::InvariantFailed("a version differs from itself", in[0]);
    }
    absl::StatusOr<stowage::DebVersion> again = stowage::ParseDebVersion(a->ToString());
    if (!again.ok() || stowage::CompareDebVersions(*a, *again) != 0) {
      stowage::fuzz::InvariantFailed("ToString does not read back", in[0]);
    }
  }
  if (a.ok() && b.ok()) {
    int ab = stowage::CompareDebVersions(*a, *b);
    int ba = stowage::CompareDebVersions(*b, *a);
    if ((ab < 0) != (ba > 0) || (ab == 0) != (ba == 0)) {
      stowage::fuzz::InvariantFailed("comparison is not antisymmetric", in[0] + " vs " + in[1]);
    }
  }
  auto groups = stowage::ParseRelationGroups(in[2], "Depends");
  stowage::fuzz::Trace("relations", groups.status());
  if (groups.ok()) {
    for (const stowage::RelationGroup& g : *groups) {
      for (const stowage::Relation& r : g) {
        auto again = stowage::ParseRelationList(r.ToString(), "again");
        if (!again.ok() || again->size() != 1 || (*again)[0].ToString() != r.ToString()) {
          stowage::fuzz::InvariantFailed("a relation does not read back", r.ToString());
        }
        (void)r.AppliesTo("amd64");
      }
    }
  }
  (void)stowage::ParseRelationList(in[2], "Provides");
  return 0;
}
