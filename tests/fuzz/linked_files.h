// Sets of files that name each other by digest (a layer, the config, the manifest naming
// both, its descriptor, an index naming the manifest), made from fuzz input pieces. The fuzzer
// cannot forge a sha256, so a piece says "@CONFIG@" where the config's digest goes and
// "@CONFIGSIZE@" for its size: each file's placeholders are filled from the files written
// before it. Without this a fuzzer would never get past the first digest check.
#ifndef STOWAGE_TESTS_FUZZ_LINKED_FILES_H_
#define STOWAGE_TESTS_FUZZ_LINKED_FILES_H_

#include <string>
#include <utility>
#include <vector>

namespace stowage {
namespace fuzz {

struct LinkedFile {
  std::string key;   // "CONFIG": "@CONFIG@" and "@CONFIGSIZE@" in later files refer to it
  std::string name;  // file name inside the directory, e.g. "config.json"
};

struct WrittenFile {
  std::string path;
  std::string bytes;   // after placeholder substitution
  std::string digest;  // "sha256:<hex>"
};

// Writes files[i] with the contents pieces[i] (placeholders filled) into `dir`, in order.
std::vector<WrittenFile> WriteLinkedFiles(const std::string& dir,
                                          const std::vector<LinkedFile>& files,
                                          const std::vector<std::string>& pieces);

// Fills the placeholders of `text` from `written` (used for specs that name files by digest).
std::string FillPlaceholders(const std::string& text, const std::vector<LinkedFile>& files,
                             const std::vector<WrittenFile>& written);

}  // namespace fuzz
}  // namespace stowage

#endif  // STOWAGE_TESTS_FUZZ_LINKED_FILES_H_
