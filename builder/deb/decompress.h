// Decompresses a downloaded index (Packages.xz, .gz, .bz2, .lz4, .zst or plain) with libarchive,
// the compression found from the bytes themselves, the output capped.
#ifndef STOWAGE_BUILDER_DEB_DECOMPRESS_H_
#define STOWAGE_BUILDER_DEB_DECOMPRESS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

absl::StatusOr<std::string> Decompress(absl::string_view data, int64_t max_output,
                                       absl::string_view where);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_DECOMPRESS_H_
