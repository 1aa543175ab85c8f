// The collected tree while it is being built: Django's STATIC_ROOT as a map from normalized
// names to contents, with the FileSystemStorage operations post-processing uses (exists, open,
// save, delete). Keeping it in memory lets the Django algorithm run step for step (later steps
// see what earlier ones saved or deleted) and the result is written to disk once, at the end.
#ifndef STOWAGE_BUILDER_STATIC_STORAGE_H_
#define STOWAGE_BUILDER_STATIC_STORAGE_H_

#include <map>
#include <memory>
#include <set>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

// File contents with their MD5 (Django's file_hash uses the first 12 hex digits).
struct Blob {
  std::string data;
  std::string md5_hex;
};
using BlobPtr = std::shared_ptr<const Blob>;

BlobPtr MakeBlob(std::string data);
std::string Md5Hex(absl::string_view data);

class VirtualStorage {
 public:
  enum class Kind { kMissing, kFile, kDirectory };

  // The normalized key of `name` (FileSystemStorage.path: safe_join + abspath); "" is the
  // root. A name that leaves the root is an error, as Django's SuspiciousFileOperation.
  static absl::StatusOr<std::string> Key(absl::string_view name);

  absl::StatusOr<Kind> Stat(absl::string_view name) const;
  absl::StatusOr<bool> Exists(absl::string_view name) const;
  // The file's contents, or nullptr when `name` is not a file.
  absl::StatusOr<BlobPtr> Open(absl::string_view name) const;
  absl::Status Save(absl::string_view name, BlobPtr blob);
  // Removes a file; missing names and directories are left alone.
  absl::Status Delete(absl::string_view name);

  const std::map<std::string, BlobPtr>& files() const { return files_; }

 private:
  std::map<std::string, BlobPtr> files_;
  std::set<std::string> directories_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_STORAGE_H_
