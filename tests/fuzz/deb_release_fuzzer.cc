// A suite's Release file, the clearsigned InRelease wrapper, and apt's sources files (one-line
// and deb822) with mirror overrides: all text that a mirror or a machine's configuration
// controls. Input: Release/InRelease text, "@@@", sources text, "@@@", mirror list.
#include <cstdint>
#include <string>

#include "absl/strings/str_split.h"
#include "builder/deb/apt_sources.h"
#include "builder/deb/release.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

// What an accepted entry may name: a path below dists/<suite>/ with no empty, "." or ".."
// component ("..[main/binary-amd64" is a strange name, not a way out; "../x" and "a//b" are).
bool IsIndexPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = stowage::fuzz::SplitInput(data, size, 3);
  auto release = stowage::ParseRelease(in[0], "Release");
  stowage::fuzz::Trace("release", release.status());
  if (release.ok()) {
    for (const auto& [path, entry] : release->sha256) {
      if (!IsIndexPath(path) || entry.sha256.size() != 64) {
        stowage::fuzz::InvariantFailed("an unchecked Release entry got through", path);
      }
    }
  }
  auto text = stowage::ClearsignedText(in[0]);
  if (text.ok()) (void)stowage::ParseRelease(*text, "InRelease");
  auto one_line = stowage::ParseOneLineSources(in[1], "sources.list");
  auto deb822 = stowage::ParseDeb822Sources(in[1], "x.sources");
  stowage::fuzz::Trace("sources", deb822.status());
  auto overrides = stowage::ParseMirrorOverrides(stowage::SplitMirrorList(in[2]));
  if (overrides.ok()) {
    std::vector<stowage::AptSource> sources;
    if (one_line.ok()) sources = *one_line;
    if (deb822.ok()) sources.insert(sources.end(), deb822->begin(), deb822->end());
    (void)stowage::ArchiveRootsFor("bookworm", *overrides, sources);
  }
  return 0;
}
