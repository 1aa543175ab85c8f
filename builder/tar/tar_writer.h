// Writes planned entries as a PAX tar (libarchive, "pax restricted": plain ustar headers, plus a
// PAX extended header only where ustar cannot say it: long or non-ASCII names, large ids).
// No atime/ctime, no host user names, no padding past the two end-of-archive blocks.
#ifndef STOWAGE_BUILDER_TAR_TAR_WRITER_H_
#define STOWAGE_BUILDER_TAR_TAR_WRITER_H_

#include <vector>

#include "absl/status/status.h"
#include "builder/compress/byte_sink.h"
#include "builder/tar/entry_plan.h"

namespace stowage {

// Streams the tar of `entries` (already in order) into `out`; does not call out->Finish().
// A file whose size changed since planning, or that cannot be read, is an error.
absl::Status WriteTar(const std::vector<TarEntry>& entries, ByteSink* out);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_TAR_TAR_WRITER_H_
