// File helpers: whole-file reads and all-or-nothing writes.
#ifndef STOWAGE_BUILDER_COMMON_FILES_H_
#define STOWAGE_BUILDER_COMMON_FILES_H_

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

// Reads a whole file. Errors name the path and the OS reason.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Turns errno into a status that names what failed and where.
absl::Status ErrnoStatus(absl::string_view what, absl::string_view path);

// A file that appears under its final name only when Commit() succeeds.
// It is written to a temporary file in the same directory (so rename is atomic);
// destroying an uncommitted AtomicFile removes the temporary file, so a failed
// command never leaves a half-written output behind.
class AtomicFile {
 public:
  static absl::StatusOr<AtomicFile> Create(const std::string& path);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  absl::Status Write(const void* data, size_t size);
  absl::Status Write(absl::string_view data) { return Write(data.data(), data.size()); }
  // Flushes, fsyncs nothing (build outputs need no durability), closes and renames.
  absl::Status Commit();
  const std::string& path() const { return path_; }

 private:
  AtomicFile(std::string path, std::string temp_path, FILE* file);
  void Abandon();

  std::string path_;
  std::string temp_path_;
  FILE* file_ = nullptr;
};

// Writes `contents` to `path` atomically.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_FILES_H_
