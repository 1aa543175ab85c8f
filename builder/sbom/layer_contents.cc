#include "builder/sbom/layer_contents.h"

#include <archive.h>
#include <archive_entry.h>
#include <openssl/evp.h>

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace stowage {
namespace sbom {
namespace {

struct ArchiveDeleter {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct MdDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string Hex(const unsigned char* d, unsigned n) {
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(d), n));
}

// "./usr/bin/x", "usr/bin/x" -> "/usr/bin/x".
std::string ImagePath(absl::string_view name) {
  if (absl::StartsWith(name, "./")) name.remove_prefix(2);
  while (absl::StartsWith(name, "/")) name.remove_prefix(1);
  if (absl::EndsWith(name, "/")) name.remove_suffix(1);
  return absl::StrCat("/", name);
}

// The package a copyright file documents: "/usr/share/doc/NAME/copyright" -> NAME.
std::string CopyrightPackage(const std::string& path) {
  constexpr absl::string_view kPrefix = "/usr/share/doc/";
  constexpr absl::string_view kSuffix = "/copyright";
  if (!absl::StartsWith(path, kPrefix) || !absl::EndsWith(path, kSuffix)) return "";
  std::string name = path.substr(kPrefix.size(), path.size() - kPrefix.size() - kSuffix.size());
  return name.find('/') == std::string::npos ? name : "";
}

}  // namespace

absl::StatusOr<LayerContents> ReadLayerContents(const std::string& blob_path) {
  std::unique_ptr<archive, ArchiveDeleter> a(archive_read_new());
  if (!a) return absl::ResourceExhaustedError("cannot allocate a libarchive reader");
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_filter_none(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_filename(a.get(), blob_path.c_str(), 1 << 20) != ARCHIVE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read layer ", blob_path, ": ", archive_error_string(a.get())));
  }
  LayerContents out;
  std::map<std::string, size_t> by_path;  // for hard links
  std::unique_ptr<EVP_MD_CTX, MdDeleter> h256(EVP_MD_CTX_new()), h1(EVP_MD_CTX_new());
  std::vector<char> buf(1 << 20);
  size_t entries = 0;
  while (true) {
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return absl::InvalidArgumentError(
          absl::StrCat("layer ", blob_path, ": ", archive_error_string(a.get())));
    }
    if (++entries > kMaxLayerEntries) {
      return absl::ResourceExhaustedError(
          absl::StrCat("layer ", blob_path, " has more than ", kMaxLayerEntries, " entries"));
    }
    const char* raw_name = archive_entry_pathname(e);
    if (raw_name == nullptr) continue;
    std::string path = ImagePath(raw_name);
    size_t slash = path.rfind('/');
    if (absl::StartsWith(path.substr(slash + 1), ".wh.")) continue;  // whiteouts remove files
    const char* hardlink = archive_entry_hardlink(e);
    if (hardlink != nullptr) {
      auto target = by_path.find(ImagePath(hardlink));
      if (target == by_path.end()) continue;
      LayerFile copy = out.files[target->second];
      copy.path = path;
      by_path[path] = out.files.size();
      out.files.push_back(std::move(copy));
      continue;
    }
    if (archive_entry_filetype(e) != AE_IFREG) continue;
    std::string package = CopyrightPackage(path);
    std::string copyright;
    if (!h256 || !h1 || EVP_DigestInit_ex(h256.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestInit_ex(h1.get(), EVP_sha1(), nullptr) != 1) {
      return absl::InternalError("cannot start a hash (OpenSSL)");
    }
    int64_t size = 0;
    while (true) {
      la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
      if (n < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("layer ", blob_path, ": ", path, ": ", archive_error_string(a.get())));
      }
      if (n == 0) break;
      EVP_DigestUpdate(h256.get(), buf.data(), static_cast<size_t>(n));
      EVP_DigestUpdate(h1.get(), buf.data(), static_cast<size_t>(n));
      if (!package.empty() && copyright.size() < kMaxCopyrightBytes) {
        copyright.append(buf.data(),
                         std::min(static_cast<size_t>(n), kMaxCopyrightBytes - copyright.size()));
      }
      size += n;
    }
    unsigned char d256[EVP_MAX_MD_SIZE], d1[EVP_MAX_MD_SIZE];
    unsigned n256 = 0, n1 = 0;
    EVP_DigestFinal_ex(h256.get(), d256, &n256);
    EVP_DigestFinal_ex(h1.get(), d1, &n1);
    if (!package.empty()) out.copyright[package] = std::move(copyright);
    by_path[path] = out.files.size();
    out.files.push_back(LayerFile{path, size, Hex(d256, n256), Hex(d1, n1)});
  }
  return out;
}

}  // namespace sbom
}  // namespace stowage
