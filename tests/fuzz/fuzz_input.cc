#include "tests/fuzz/fuzz_input.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace stowage {
namespace fuzz {

std::vector<std::string> SplitInput(const uint8_t* data, size_t size, size_t count) {
  static const std::string kSeparator = "\n@@@\n";
  std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> pieces;
  size_t start = 0;
  while (pieces.size() + 1 < count) {
    size_t at = text.find(kSeparator, start);
    if (at == std::string::npos) break;
    pieces.push_back(text.substr(start, at - start));
    start = at + kSeparator.size();
  }
  pieces.push_back(start <= text.size() ? text.substr(start) : std::string());
  pieces.resize(count);
  return pieces;
}

void Trace(const char* stage, const absl::Status& status) {
  static const bool enabled = std::getenv("STOWAGE_FUZZ_DEBUG") != nullptr;
  if (enabled) std::fprintf(stderr, "  %s: %s\n", stage, status.ToString().c_str());
}

void InvariantFailed(const std::string& what, const std::string& detail) {
  std::fprintf(stderr, "invariant broken: %s\n%s\n", what.c_str(), detail.c_str());
  std::fflush(stderr);
  std::abort();
}

const std::string& ScratchDir() {
  static const std::string dir = [] {
    const char* base = std::getenv("TEST_TMPDIR");
    if (base == nullptr || *base == '\0') base = std::getenv("TMPDIR");
    if (base == nullptr || *base == '\0') base = "/tmp";
    std::string templ = std::string(base) + "/stowage-fuzz.XXXXXX";
    if (mkdtemp(templ.data()) == nullptr) {
      std::perror("mkdtemp");
      std::abort();
    }
    std::string made = templ;
    // A fuzzing run ends by exit(); leave no directory behind.
    static std::string to_remove = made;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(to_remove, ec);
    });
    return made;
  }();
  return dir;
}

void WriteFileOrDie(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) {
    std::fprintf(stderr, "fuzz harness: cannot write %s\n", path.c_str());
    std::abort();
  }
}

void EmptyDir(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    std::filesystem::remove_all(entry.path(), ec);
  }
}

}  // namespace fuzz
}  // namespace stowage
