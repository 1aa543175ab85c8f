#include "tests/fuzz/linked_files.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "builder/digest/sha256.h"
#include "tests/fuzz/fuzz_input.h"

namespace stowage {
namespace fuzz {

std::string FillPlaceholders(const std::string& text, const std::vector<LinkedFile>& files,
                             const std::vector<WrittenFile>& written) {
  std::vector<std::pair<std::string, std::string>> replacements;
  for (size_t i = 0; i < written.size() && i < files.size(); ++i) {
    replacements.emplace_back(absl::StrCat("@", files[i].key, "@"), written[i].digest);
    replacements.emplace_back(absl::StrCat("@", files[i].key, "SIZE@"),
                              absl::StrCat(written[i].bytes.size()));
    replacements.emplace_back(absl::StrCat("@", files[i].key, "HEX@"), written[i].digest.substr(7));
  }
  return absl::StrReplaceAll(text, replacements);
}

std::vector<WrittenFile> WriteLinkedFiles(const std::string& dir,
                                          const std::vector<LinkedFile>& files,
                                          const std::vector<std::string>& pieces) {
  std::vector<WrittenFile> written;
  for (size_t i = 0; i < files.size(); ++i) {
    WrittenFile f;
    f.path = dir + "/" + files[i].name;
    f.bytes = FillPlaceholders(i < pieces.size() ? pieces[i] : "", files, written);
    f.digest = Sha256Digest(f.bytes);
    WriteFileOrDie(f.path, f.bytes);
    written.push_back(std::move(f));
  }
  return written;
}

}  // namespace fuzz
}  // namespace stowage
