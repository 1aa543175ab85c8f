#include "tests/layer/tar_reader.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>

#include "gtest/gtest.h"

namespace stowage {

std::vector<ReadEntry> ReadTar(const std::string& blob) {
  std::vector<ReadEntry> out;
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  if (archive_read_open_memory(a, blob.data(), blob.size()) != ARCHIVE_OK) {
    ADD_FAILURE() << "cannot open tar: " << archive_error_string(a);
    archive_read_free(a);
    return out;
  }
  struct archive_entry* e;
  int rc;
  while ((rc = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
    ReadEntry r;
    const char* name = archive_entry_pathname_utf8(e);
    r.name = name != nullptr ? name : archive_entry_pathname(e);
    switch (archive_entry_filetype(e)) {
      case AE_IFREG:
        r.type = 'f';
        break;
      case AE_IFDIR:
        r.type = 'd';
        break;
      case AE_IFLNK:
        r.type = 'l';
        r.link_target = archive_entry_symlink_utf8(e);
        break;
    }
    r.mode = archive_entry_perm(e);
    r.uid = archive_entry_uid(e);
    r.gid = archive_entry_gid(e);
    r.has_uname = archive_entry_uname(e) != nullptr && *archive_entry_uname(e) != '\0';
    r.has_gname = archive_entry_gname(e) != nullptr && *archive_entry_gname(e) != '\0';
    r.mtime = archive_entry_mtime(e);
    r.has_atime = archive_entry_atime_is_set(e) != 0;
    r.has_ctime = archive_entry_ctime_is_set(e) != 0;
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) r.contents.append(buf, n);
    out.push_back(std::move(r));
  }
  if (rc != ARCHIVE_EOF) ADD_FAILURE() << "tar read error: " << archive_error_string(a);
  archive_read_free(a);
  return out;
}

std::vector<std::string> PaxKeys(const std::string& tar) {
  std::vector<std::string> keys;
  size_t pos = 0;
  while (pos + 512 <= tar.size()) {
    const char* h = tar.data() + pos;
    if (h[0] == '\0') break;
    size_t size = std::strtoull(std::string(h + 124, 12).c_str(), nullptr, 8);
    char type = h[156];
    size_t data = pos + 512;
    if (type == 'x' || type == 'g') {
      std::string records = tar.substr(data, size);
      size_t r = 0;
      while (r < records.size()) {
        size_t sp = records.find(' ', r);
        size_t eq = records.find('=', sp);
        size_t len = std::strtoull(records.substr(r, sp - r).c_str(), nullptr, 10);
        keys.push_back(records.substr(sp + 1, eq - sp - 1));
        if (len == 0) break;
        r += len;
      }
    }
    pos = data + (size + 511) / 512 * 512;
  }
  return keys;
}

std::string Decompress(const std::string& blob) {
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  std::string out;
  if (archive_read_open_memory(a, blob.data(), blob.size()) != ARCHIVE_OK) {
    ADD_FAILURE() << "cannot open: " << archive_error_string(a);
    archive_read_free(a);
    return out;
  }
  struct archive_entry* e;
  if (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    char buf[65536];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof(buf))) > 0) out.append(buf, n);
    if (n < 0) ADD_FAILURE() << "decompress error: " << archive_error_string(a);
  }
  archive_read_free(a);
  return out;
}

}  // namespace stowage
