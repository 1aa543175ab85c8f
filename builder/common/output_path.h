// Where an output may go, and how it gets there without destroying anything.
//
// An output replaces only what stowage may overwrite: a regular file (file outputs), or an
// empty directory (Bazel pre-creates every tree artifact) or a directory stowage itself wrote
// (directory outputs). A symlink (even to a regular file: replacing it would swap the link, as
// `--output /dev/stdout` once replaced /dev/stdout), a device, a FIFO, a socket, a directory in
// place of a file, a non-empty directory stowage did not write, and the current directory or
// one of its parents are refused with one line.
//
// Directories stowage writes carry the extended attribute kOutputMarkerXattr: invisible to
// Bazel, to layers (attributes are never copied into a tar) and to every reader of a layout or
// a static tree. Where the file system has no user attributes, a second run into the same
// directory is refused like any foreign one.
#ifndef STOWAGE_BUILDER_COMMON_OUTPUT_PATH_H_
#define STOWAGE_BUILDER_COMMON_OUTPUT_PATH_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stowage {

enum class OutputKind { kFile, kDirectory };

constexpr char kOutputMarkerXattr[] = "user.stowage.output";

// OK when an output of `kind` may be written at `path` (nothing there counts).
absl::Status CheckReplaceable(const std::string& path, OutputKind kind);

// Marks a directory as written by stowage; false when the file system keeps no user attributes.
bool MarkAsStowageOutput(const std::string& dir);
bool IsMarkedStowageOutput(const std::string& dir);

// One output as a command's flags name it, for CheckOutputPaths.
struct NamedPath {
  std::string flag;  // "--output"
  std::string path;
  OutputKind kind = OutputKind::kFile;
};

// The up-front check of a command's outputs, before any work: each must be replaceable
// (CheckReplaceable), and none may name the same file as another (`--output X --descriptor X`
// would silently keep only one), lie inside a directory output (it would vanish when the
// directory is moved into place), or name one of the command's own inputs. Paths are compared
// after resolving their directories (so "a/../x", "./x" and "link-to-here/x" are one file),
// inputs after following their symlinks, and existing files also by device and inode (a hard
// link is the same file under another name).
absl::Status CheckOutputPaths(const std::vector<NamedPath>& outputs,
                              const std::vector<NamedPath>& inputs = {});

// The up-front check of a directory a command fills in place, file by file (`stowage pull
// --output`, run by a repository rule in its own directory, which may be the working
// directory): it may be missing, empty, marked as written by stowage, or hold `own_file` (what
// an earlier run wrote last); a non-empty directory of someone else's (`--output .` in a
// project), a symlink or another non-directory, and one that overlaps an input (`--layout`) are
// refused.
absl::Status CheckDirectoryToFill(const std::string& flag, const std::string& dir,
                                  const std::string& own_file,
                                  const std::vector<NamedPath>& inputs = {});

// The path a command really writes for `path`: trailing slashes dropped, and "." or ".."
// (which cannot be renamed) resolved to the directory they name.
std::string OutputTarget(const std::string& path);

// Moves a finished temporary (beside its final path) into place.
//
// With renameat2 (Linux file systems), nothing there is moved in with RENAME_NOREPLACE and an
// existing output is swapped with RENAME_EXCHANGE; the object swapped out is then checked again
// and swapped back if it may not be replaced, so a check-then-rename race cannot replace a
// symlink or a device. The replaced object stays under the temporary's name until Finish()
// deletes it or Undo() puts it back: that is what lets several outputs be committed together.
// Without renameat2 the same steps run with lstat and rename (not race-free).
class Installation {
 public:
  Installation() = default;
  Installation(std::string temp, std::string final_path, OutputKind kind)
      : temp_(std::move(temp)), final_(std::move(final_path)), kind_(kind) {}

  absl::Status Install();
  void Finish();  // drops what was replaced
  void Undo();    // restores what was replaced and removes what was installed

  bool staged() const { return state_ == State::kStaged; }
  bool installed() const { return state_ == State::kInstalled; }
  const std::string& temp() const { return temp_; }
  const std::string& final_path() const { return final_; }

 private:
  enum class State { kStaged, kInstalled, kDone };
  absl::Status InstallWithoutRenameat2();

  std::string temp_;
  std::string final_;
  OutputKind kind_ = OutputKind::kFile;
  State state_ = State::kStaged;
  std::string replaced_;  // where the replaced object waits; empty when there was none
};

// Removes a file, or a directory with everything in it (symlinks are removed, never followed).
void RemovePath(const std::string& path);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_OUTPUT_PATH_H_
