#include "builder/static/storage.h"

#include <openssl/evp.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/static/py_compat.h"

namespace stowage {
namespace {

// A stand-in for STATIC_ROOT while resolving names; no real name starts with it.
constexpr absl::string_view kRoot = "/\x01static-root";

}  // namespace

std::string Md5Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_md5(), nullptr);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

BlobPtr MakeBlob(std::string data) {
  auto blob = std::make_shared<Blob>();
  blob->md5_hex = Md5Hex(data);
  blob->data = std::move(data);
  return blob;
}

absl::StatusOr<std::string> VirtualStorage::Key(absl::string_view name) {
  std::string full = py::Normpath(py::Join(kRoot, name));
  if (full == kRoot) return std::string();
  if (absl::StartsWith(full, absl::StrCat(kRoot, "/"))) return full.substr(kRoot.size() + 1);
  return absl::InvalidArgumentError(
      absl::StrCat("the path '", name, "' is located outside of the static root"));
}

absl::StatusOr<VirtualStorage::Kind> VirtualStorage::Stat(absl::string_view name) const {
  if (name.find('\0') != absl::string_view::npos) return Kind::kMissing;
  ASSIGN_OR_RETURN(std::string key, Key(name));
  if (key.empty() || directories_.count(key)) return Kind::kDirectory;
  if (files_.count(key)) return Kind::kFile;
  return Kind::kMissing;
}

absl::StatusOr<bool> VirtualStorage::Exists(absl::string_view name) const {
  ASSIGN_OR_RETURN(Kind kind, Stat(name));
  return kind != Kind::kMissing;
}

absl::StatusOr<BlobPtr> VirtualStorage::Open(absl::string_view name) const {
  ASSIGN_OR_RETURN(std::string key, Key(name));
  auto it = files_.find(key);
  return it == files_.end() ? nullptr : it->second;
}

absl::Status VirtualStorage::Save(absl::string_view name, BlobPtr blob) {
  ASSIGN_OR_RETURN(std::string key, Key(name));
  if (key.empty() || directories_.count(key)) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot save '", name, "': a directory has that name"));
  }
  for (size_t slash = key.find('/'); slash != std::string::npos; slash = key.find('/', slash + 1)) {
    std::string dir = key.substr(0, slash);
    if (files_.count(dir)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot save '", name, "': '", dir, "' is a file, not a directory"));
    }
    directories_.insert(dir);
  }
  files_[key] = std::move(blob);
  return absl::OkStatus();
}

absl::Status VirtualStorage::Delete(absl::string_view name) {
  ASSIGN_OR_RETURN(std::string key, Key(name));
  files_.erase(key);
  return absl::OkStatus();
}

}  // namespace stowage
