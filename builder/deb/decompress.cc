#include "builder/deb/decompress.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "absl/strings/str_cat.h"

namespace stowage {

void SupportDebianCompressions(struct archive* a) {
  archive_read_support_filter_xz(a);
  archive_read_support_filter_lzma(a);
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_bzip2(a);
  archive_read_support_filter_zstd(a);
  archive_read_support_filter_lz4(a);
}

absl::StatusOr<std::string> Decompress(absl::string_view data, int64_t max_output,
                                       absl::string_view where) {
  std::unique_ptr<archive, int (*)(archive*)> a(archive_read_new(), archive_read_free);
  if (a == nullptr) return absl::InternalError("archive_read_new failed");
  SupportDebianCompressions(a.get());
  archive_read_support_format_raw(a.get());
  auto fail = [&](absl::string_view what) {
    const char* reason = archive_error_string(a.get());
    return absl::InvalidArgumentError(absl::StrCat("cannot decompress ", where, ": ", what,
                                                   reason ? ": " : "", reason ? reason : ""));
  };
  if (data.empty()) return std::string();
  if (archive_read_open_memory(a.get(), data.data(), data.size()) != ARCHIVE_OK) {
    return fail("unknown format");
  }
  archive_entry* entry = nullptr;
  if (archive_read_next_header(a.get(), &entry) != ARCHIVE_OK) return fail("no data");
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buffer, sizeof(buffer));
    if (n < 0) return fail("corrupt data");
    if (n == 0) break;
    if (static_cast<int64_t>(out.size()) + n > max_output) {
      return absl::ResourceExhaustedError(
          absl::StrCat(where, " decompresses to more than the limit of ", max_output, " bytes"));
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace stowage
