// The lockfile (a user's file, read by `stowage deb lock` on update). Invariant: whatever
// parses serializes to bytes that parse to the same serialization.
#include <cstdint>
#include <string>

#include "builder/deb/lockfile.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto lock = stowage::ParseLockfile(text, "lock.json");
  stowage::fuzz::Trace("lockfile", lock.status());
  if (!lock.ok()) return 0;
  std::string once = stowage::SerializeLockfile(*lock);
  auto again = stowage::ParseLockfile(once, "again");
  if (!again.ok() || stowage::SerializeLockfile(*again) != once) {
    stowage::fuzz::InvariantFailed("a lockfile does not round-trip", once);
  }
  (void)stowage::DiffLockfiles(*lock, *again);
  return 0;
}
