// File helpers: bounded reads of regular files, and outputs that appear whole or not at all and
// never destroy what they must not replace (builder/common/output_path.h says what may be
// replaced).
#ifndef STOWAGE_BUILDER_COMMON_FILES_H_
#define STOWAGE_BUILDER_COMMON_FILES_H_

#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "builder/common/output_path.h"

namespace stowage {

// The most ReadFile reads unless its caller names a smaller cap. What the tool reads whole
// (specs, descriptors, configs, manifests, static files) is far smaller; blobs are streamed.
constexpr int64_t kMaxReadFileBytes = int64_t{1} << 30;

// What a read accepts besides regular files.
enum class PipePolicy {
  kRefuse,  // inputs found in trees and specs: a FIFO there is an error
  kAllow,   // a file named on the command line may be a pipe (`--config <(...)`): it is read
            // to its end (a FIFO nobody writes to reads as empty, it never blocks the open)
};

// Reads a whole regular file (or pipe, when allowed) of at most `max_bytes`; more is a
// ResourceExhausted error, never a partial read. Errors name the path and the reason.
absl::StatusOr<std::string> ReadFile(const std::string& path, int64_t max_bytes = kMaxReadFileBytes,
                                     PipePolicy pipes = PipePolicy::kRefuse);

// Opens an existing regular file (or pipe, when allowed) for reading and fills `st`. Symlinks
// are followed (Bazel presents every input as one); a device, socket or directory (and a FIFO,
// unless allowed) is refused before it is opened, and the open never blocks, so a FIFO with no
// writer or /dev/zero given as an input is an error, never a hang.
absl::StatusOr<int> OpenRegularFile(const std::string& path, struct stat* st = nullptr,
                                    PipePolicy pipes = PipePolicy::kRefuse);

// OpenRegularFile as a stdio stream opened "rb"; the caller fcloses it.
absl::StatusOr<FILE*> OpenRegularFileStream(const std::string& path);

// A file descriptor closed when it goes out of scope.
class ScopedFd {
 public:
  explicit ScopedFd(int fd = -1) : fd_(fd) {}
  ScopedFd(ScopedFd&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  ~ScopedFd();
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to `size` bytes, retrying short reads and EINTR; returns the count (0 at the end).
absl::StatusOr<size_t> ReadFully(int fd, char* data, size_t size, const std::string& path);

// Turns errno into a status that names what failed and where.
absl::Status ErrnoStatus(absl::string_view what, absl::string_view path);

// An output written under a temporary name beside its final path and moved into place by
// CommitOutputs (or its own Commit()); destroying it uncommitted removes the temporary. The
// temporary is also registered for removal on a fatal signal (builder/common/temp_cleanup.h).
class PendingOutput {
 public:
  virtual ~PendingOutput() = default;
  const std::string& path() const { return installation_.final_path(); }

 protected:
  friend absl::Status CommitOutputs(absl::Span<PendingOutput* const> outputs);
  // Completes the temporary (flush, close) before it is moved into place.
  virtual absl::Status Seal() = 0;
  // Removes the temporary of an output that will not be committed.
  virtual void Discard() = 0;
  void ForgetTemporary();

  Installation installation_;
  int cleanup_handle_ = -1;
};

// Moves every output into place, or none: when one cannot be installed, those already moved are
// undone and what they replaced is back. What they replaced is deleted only once all are in.
absl::Status CommitOutputs(absl::Span<PendingOutput* const> outputs);

// A file output. Create() refuses a path that may not be replaced (a symlink, a device, a FIFO,
// a directory) before any work is done; Commit() checks again, race-free.
class AtomicFile : public PendingOutput {
 public:
  static absl::StatusOr<AtomicFile> Create(const std::string& path);

  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile() override;

  absl::Status Write(const void* data, size_t size);
  absl::Status Write(absl::string_view data) { return Write(data.data(), data.size()); }
  // Flushes (build outputs need no fsync), closes and moves the file into place.
  absl::Status Commit() { return CommitOutputs({this}); }

 private:
  AtomicFile(std::string path, std::string temp_path, FILE* file);
  absl::Status Seal() override;
  void Discard() override { Abandon(); }
  void Abandon();

  FILE* file_ = nullptr;
};

// A directory output (an OCI layout, a static tree): filled under temp_path(), a new directory
// beside the final one, and moved into place whole. It replaces only an empty directory (Bazel
// creates one for every tree artifact) or one stowage wrote, which it marks.
class OutputDirectory : public PendingOutput {
 public:
  static absl::StatusOr<OutputDirectory> Create(const std::string& path);

  OutputDirectory(OutputDirectory&& other) noexcept;
  OutputDirectory& operator=(OutputDirectory&&) = delete;
  OutputDirectory(const OutputDirectory&) = delete;
  ~OutputDirectory() override;

  const std::string& temp_path() const { return installation_.temp(); }
  absl::Status Commit() { return CommitOutputs({this}); }

 private:
  explicit OutputDirectory(Installation installation);
  absl::Status Seal() override { return absl::OkStatus(); }
  void Discard() override;
  bool owns_temp_ = true;
};

// Writes `contents` to `path` atomically.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_FILES_H_
