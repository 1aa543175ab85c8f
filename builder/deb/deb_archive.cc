#include "builder/deb/deb_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/deb/decompress.h"
#include "builder/digest/sha256.h"
#include "builder/tar/image_path.h"

namespace stowage {
namespace {

using ArchivePtr = std::unique_ptr<archive, int (*)(archive*)>;

ArchivePtr NewReader() { return ArchivePtr(archive_read_new(), archive_read_free); }

absl::Status ArchiveError(archive* a, const std::string& deb, absl::string_view what) {
  const char* reason = archive_error_string(a);
  return absl::InvalidArgumentError(
      absl::StrCat("cannot read ", deb, ": ", what, reason ? ": " : "", reason ? reason : ""));
}

// The compressions dpkg writes for control.tar and data.tar members, all of which libarchive
// reads; the suffix is checked so an unknown one gets an error naming it.
bool KnownMemberSuffix(absl::string_view suffix) {
  return suffix.empty() || suffix == ".gz" || suffix == ".xz" || suffix == ".zst" ||
         suffix == ".bz2" || suffix == ".lzma";
}

// The inner tar is read straight out of the outer ar member.
struct Nested {
  archive* outer;
  char buffer[1 << 16];
};

la_ssize_t ReadNested(archive*, void* user, const void** out) {
  Nested* n = static_cast<Nested*>(user);
  la_ssize_t got = archive_read_data(n->outer, n->buffer, sizeof(n->buffer));
  *out = n->buffer;
  return got;
}

// Opens `deb`, finds the member "<prefix>.tar<suffix>", and calls `fn` with a reader over the
// tar inside it.
absl::Status WithMemberTar(const std::string& deb, absl::string_view prefix,
                           const std::function<absl::Status(archive*)>& fn) {
  ArchivePtr outer = NewReader();
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK) {
    return ArchiveError(outer.get(), deb, "not an ar archive");
  }
  archive_entry* entry = nullptr;
  bool first = true;
  for (;;) {
    int rc = archive_read_next_header(outer.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK) return ArchiveError(outer.get(), deb, "broken ar archive");
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (first) {
      // dpkg's format: the first member says "2.0".
      char version[16] = {0};
      la_ssize_t n = archive_read_data(outer.get(), version, sizeof(version) - 1);
      if (name != "debian-binary" || n < 3 || !absl::StartsWith(version, "2.")) {
        return absl::InvalidArgumentError(
            absl::StrCat(deb, " is not a Debian binary package (no debian-binary 2.x member)"));
      }
      first = false;
      continue;
    }
    std::string want = absl::StrCat(prefix, ".tar");
    if (!absl::StartsWith(name, want)) continue;
    std::string suffix = name.substr(want.size());
    if (!KnownMemberSuffix(suffix)) {
      return absl::InvalidArgumentError(
          absl::StrCat(deb, " has ", name, ": an unknown compression (dpkg and stowage read ",
                       prefix, ".tar, .tar.gz, .tar.xz, .tar.zst, .tar.bz2 and .tar.lzma)"));
    }
    Nested nested;
    nested.outer = outer.get();
    ArchivePtr inner = NewReader();
    SupportDebianCompressions(inner.get());
    archive_read_support_format_tar(inner.get());
    archive_read_support_format_gnutar(inner.get());
    if (archive_read_open(inner.get(), &nested, nullptr, ReadNested, nullptr) != ARCHIVE_OK) {
      return ArchiveError(inner.get(), deb, name);
    }
    return fn(inner.get());
  }
  return absl::InvalidArgumentError(absl::StrCat(deb, " has no ", prefix, ".tar member"));
}

std::string MemberPath(const char* raw) {
  std::string p = raw ? raw : "";
  while (absl::StartsWith(p, "./")) p = p.substr(2);
  return p;
}

absl::StatusOr<std::string> ReadEntryData(archive* a, const std::string& deb,
                                          const std::string& name, int64_t max) {
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buffer, sizeof(buffer));
    if (n < 0) return ArchiveError(a, deb, name);
    if (n == 0) return out;
    if (static_cast<int64_t>(out.size()) + n > max) {
      return absl::InvalidArgumentError(absl::StrCat(name, " in ", deb, " is too large"));
    }
    out.append(buffer, n);
  }
}

}  // namespace

absl::StatusOr<DebControl> ReadDebControl(const std::string& deb_path) {
  DebControl control;
  bool found = false;
  RETURN_IF_ERROR(WithMemberTar(deb_path, "control", [&](archive* a) -> absl::Status {
    archive_entry* entry = nullptr;
    for (int count = 0;; ++count) {
      int rc = archive_read_next_header(a, &entry);
      if (rc == ARCHIVE_EOF) return absl::OkStatus();
      if (rc != ARCHIVE_OK) return ArchiveError(a, deb_path, "control.tar");
      if (count > 1000) return absl::InvalidArgumentError(deb_path + ": control.tar is too big");
      std::string name = MemberPath(archive_entry_pathname(entry));
      std::string* target = name == "control"     ? &control.control
                            : name == "md5sums"   ? &control.md5sums
                            : name == "conffiles" ? &control.conffiles
                                                  : nullptr;
      if (target == nullptr || archive_entry_filetype(entry) != AE_IFREG) continue;
      ASSIGN_OR_RETURN(*target, ReadEntryData(a, deb_path, name, kMaxControlMemberBytes));
      if (target == &control.control) found = true;
    }
  }));
  if (!found) return absl::InvalidArgumentError(deb_path + " has no control file");
  return control;
}

absl::StatusOr<std::vector<DebEntry>> ExtractDebData(const std::string& deb_path,
                                                     const std::string& dest_dir) {
  std::vector<DebEntry> entries;
  int64_t total = 0;
  RETURN_IF_ERROR(WithMemberTar(deb_path, "data", [&](archive* a) -> absl::Status {
    archive_entry* entry = nullptr;
    for (;;) {
      int rc = archive_read_next_header(a, &entry);
      if (rc == ARCHIVE_EOF) return absl::OkStatus();
      if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return ArchiveError(a, deb_path, "data.tar");
      if (static_cast<int64_t>(entries.size()) >= kMaxDataEntries) {
        return absl::InvalidArgumentError(deb_path + ": more than 1M entries in data.tar");
      }
      std::string raw = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
      std::string where = absl::StrCat(deb_path, ": ", raw);
      ASSIGN_OR_RETURN(std::string path, NormalizeImagePath(raw, where));
      DebEntry e;
      e.path = path;
      e.mode = archive_entry_perm(entry) & 07777;
      e.uid = archive_entry_uid(entry);
      e.gid = archive_entry_gid(entry);
      const char* hardlink = archive_entry_hardlink(entry);
      mode_t type = archive_entry_filetype(entry);
      if (hardlink != nullptr) {
        e.type = DebEntryType::kHardlink;
        ASSIGN_OR_RETURN(e.link_target, NormalizeImagePath(hardlink, where));
      } else if (type == AE_IFDIR) {
        e.type = DebEntryType::kDirectory;
      } else if (type == AE_IFLNK) {
        e.type = DebEntryType::kSymlink;
        const char* target = archive_entry_symlink(entry);
        e.link_target = target ? target : "";
        if (e.link_target.empty() || !IsValidUtf8(e.link_target) ||
            e.link_target.find('\0') != std::string::npos) {
          return absl::InvalidArgumentError(where + ": empty or invalid symlink target");
        }
      } else if (type == AE_IFREG) {
        e.type = DebEntryType::kFile;
        e.extracted = absl::StrCat(dest_dir, "/", entries.size());
        ASSIGN_OR_RETURN(AtomicFile out, AtomicFile::Create(e.extracted));
        Sha256 sha;
        char buffer[1 << 16];
        for (;;) {
          la_ssize_t n = archive_read_data(a, buffer, sizeof(buffer));
          if (n < 0) return ArchiveError(a, deb_path, raw);
          if (n == 0) break;
          total += n;
          if (total > kMaxDataBytes) {
            return absl::InvalidArgumentError(deb_path + ": data.tar holds more than 16 GiB");
          }
          sha.Update(buffer, n);
          RETURN_IF_ERROR(out.Write(buffer, n));
          e.size += n;
        }
        RETURN_IF_ERROR(out.Commit());
        e.sha256 = sha.FinalHex();
      } else {
        return absl::InvalidArgumentError(
            where + ": device nodes, FIFOs and sockets cannot go into a layer from a package");
      }
      if (e.path.empty() && e.type != DebEntryType::kDirectory) {
        return absl::InvalidArgumentError(where + ": only a directory can be the root");
      }
      entries.push_back(std::move(e));
    }
  }));
  return entries;
}

}  // namespace stowage
