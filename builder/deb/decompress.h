// Decompresses a downloaded index (Packages.xz, .gz, .bz2, .lzma, .lz4, .zst or plain) with
// libarchive, the compression found from the bytes themselves (among those, all decoded in
// process: never an external program), the output capped.
#ifndef STOWAGE_BUILDER_DEB_DECOMPRESS_H_
#define STOWAGE_BUILDER_DEB_DECOMPRESS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct archive;  // libarchive's

namespace stowage {

// Turns on the compressions a Debian archive uses (xz, lzma, gzip, bzip2, zstd, lz4), each
// decoded in process by its library. Never libarchive's support_filter_all: for lrzip, lzop and
// grzip it runs an external program, and the bytes of a hostile file would choose it.
void SupportDebianCompressions(struct archive* a);

absl::StatusOr<std::string> Decompress(absl::string_view data, int64_t max_output,
                                       absl::string_view where);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEB_DECOMPRESS_H_
