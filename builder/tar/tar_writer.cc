#include "builder/tar/tar_writer.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <clocale>
#include <memory>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

constexpr size_t kReadSize = 1 << 20;

struct WriteContext {
  ByteSink* out;
  absl::Status status;
};

la_ssize_t WriteCallback(struct archive* a, void* client, const void* buffer, size_t length) {
  auto* ctx = static_cast<WriteContext*>(client);
  absl::Status s = ctx->out->Write(static_cast<const char*>(buffer), length);
  if (!s.ok()) {
    ctx->status = s;
    archive_set_error(a, EIO, "%s", std::string(s.message()).c_str());
    return -1;
  }
  return static_cast<la_ssize_t>(length);
}

struct ArchiveDeleter {
  void operator()(struct archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

absl::Status ArchiveError(struct archive* a, const WriteContext& ctx, const std::string& what) {
  if (!ctx.status.ok()) return ctx.status;
  const char* message = archive_error_string(a);
  return absl::InternalError(
      absl::StrCat(what, ": ", message != nullptr ? message : "libarchive error"));
}

// Copies one file's bytes into the archive with large reads.
absl::Status WriteFileData(struct archive* a, const WriteContext& ctx, const TarEntry& e,
                           std::vector<char>* buffer) {
  // Checked again here: a file swapped for a FIFO or a device since planning must not hang.
  ASSIGN_OR_RETURN(int fd, OpenRegularFile(e.source));
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  int64_t total = 0;
  absl::Status status;
  while (true) {
    ssize_t n = read(fd, buffer->data(), buffer->size());
    if (n < 0) {
      if (errno == EINTR) continue;
      status = ErrnoStatus("cannot read", e.source);
      break;
    }
    if (n == 0) break;
    total += n;
    if (total > e.size) break;
    if (archive_write_data(a, buffer->data(), static_cast<size_t>(n)) != n) {
      status = ArchiveError(a, ctx, "cannot write tar data for " + e.path);
      break;
    }
  }
  close(fd);
  RETURN_IF_ERROR(status);
  if (total != e.size) {
    return absl::FailedPreconditionError(absl::StrCat(
        e.source, " changed size while the layer was written (", e.size, " -> ", total, " bytes)"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteTar(const std::vector<TarEntry>& entries, ByteSink* out) {
  // libarchive converts names through the C library's multibyte functions; pin a UTF-8 locale
  // (built into glibc >= 2.35) so the bytes never depend on the caller's LANG/LC_ALL.
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) {
    return absl::InternalError("cannot select the C.UTF-8 locale needed for UTF-8 file names");
  }
  std::unique_ptr<struct archive, ArchiveDeleter> a(archive_write_new());
  WriteContext ctx{out, absl::OkStatus()};
  if (archive_write_set_format_pax_restricted(a.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(a.get(), 0) != ARCHIVE_OK ||  // unbuffered, no padding
      archive_write_open2(a.get(), &ctx, nullptr, WriteCallback, nullptr, nullptr) != ARCHIVE_OK) {
    return ArchiveError(a.get(), ctx, "cannot start the tar stream");
  }
  std::vector<char> buffer(kReadSize);
  std::unique_ptr<struct archive_entry, EntryDeleter> entry(archive_entry_new());
  for (const TarEntry& e : entries) {
    archive_entry_clear(entry.get());
    std::string name = e.TarName();
    archive_entry_update_pathname_utf8(entry.get(), name.c_str());
    switch (e.type) {
      case TarEntryType::kFile:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_size(entry.get(), e.size);
        break;
      case TarEntryType::kDirectory:
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_size(entry.get(), 0);
        break;
      case TarEntryType::kSymlink:
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_size(entry.get(), 0);
        archive_entry_update_symlink_utf8(entry.get(), e.link_target.c_str());
        break;
    }
    archive_entry_set_perm(entry.get(), e.mode);
    archive_entry_set_uid(entry.get(), e.uid);
    archive_entry_set_gid(entry.get(), e.gid);
    if (!e.uname.empty()) archive_entry_update_uname_utf8(entry.get(), e.uname.c_str());
    if (!e.gname.empty()) archive_entry_update_gname_utf8(entry.get(), e.gname.c_str());
    archive_entry_set_mtime(entry.get(), e.mtime, 0);
    if (archive_write_header(a.get(), entry.get()) != ARCHIVE_OK) {
      return ArchiveError(a.get(), ctx, "cannot write tar header for " + e.path);
    }
    if (e.type == TarEntryType::kFile) RETURN_IF_ERROR(WriteFileData(a.get(), ctx, e, &buffer));
    if (archive_write_finish_entry(a.get()) != ARCHIVE_OK) {
      return ArchiveError(a.get(), ctx, "cannot finish tar entry " + e.path);
    }
  }
  if (archive_write_close(a.get()) != ARCHIVE_OK)
    return ArchiveError(a.get(), ctx, "cannot finish the tar stream");
  return absl::OkStatus();
}

}  // namespace stowage
