// A downloaded index before its checksum is compared with the decompressed bytes (Packages.xz,
// .gz, ...; with --allow-unsigned nothing vouches for them at all). Invariants: the output never
// exceeds the cap, and a cap that fails is an error, not a partial result.
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "builder/deb/decompress.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  constexpr int64_t kCap = 1 << 20;
  absl::string_view input(reinterpret_cast<const char*>(data), size);
  auto out = stowage::Decompress(input, kCap, "Packages.xz");
  stowage::fuzz::Trace("decompress", out.status());
  if (out.ok() && static_cast<int64_t>(out->size()) > kCap) {
    stowage::fuzz::InvariantFailed("decompressed past the cap", std::to_string(out->size()));
  }
  return 0;
}
