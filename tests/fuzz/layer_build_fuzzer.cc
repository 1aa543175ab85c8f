// `stowage layer` end to end: a source tree (files, directories, symlinks, hard links) and a
// layer spec over it, built into a blob that is read back with libarchive. Input: the tree,
// one entry per line ("f PATH CONTENT", "x PATH CONTENT" for an executable, "d PATH",
// "l PATH TARGET", "h PATH EXISTING"), "@@@", the spec JSON. Tree paths and spec sources are
// confined to the scratch directory (no absolute paths, no ".."): the harness must not read
// the host, the code under test gets no such help for symlink targets.
// Properties: on success the blob reads back with as many entries as the descriptor says,
// none named absolute or with ".."; on failure neither the blob nor the descriptor exists.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/layer/layer_builder.h"
#include "builder/tar/layer_spec.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

using namespace stowage;

// Best effort, like the mkdir and symlink calls below: an input may name a path under a file
// ("f d x" then "f d/f x"); that line is skipped, it is noise in the tree, not a finding.
void TryWriteFile(const std::string& path, const std::string& bytes) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) return;
  (void)!std::fwrite(bytes.data(), 1, bytes.size(), f);
  std::fclose(f);
}

bool Confined(absl::string_view path) {
  return !path.empty() && path[0] != '/' && !absl::StrContains(path, "..") &&
         !absl::StrContains(path, std::string(1, '\0'));
}

void MakeParents(const std::string& root, absl::string_view rel) {
  std::string partial = root;
  std::vector<absl::string_view> parts = absl::StrSplit(rel, '/');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    partial += "/" + std::string(parts[i]);
    mkdir(partial.c_str(), 0755);
  }
}

void MakeTree(const std::string& root, const std::string& text) {
  mkdir(root.c_str(), 0755);
  int made = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (++made > 64 || line.size() < 3 || line[1] != ' ') continue;
    std::pair<absl::string_view, absl::string_view> rest =
        absl::StrSplit(line.substr(2), absl::MaxSplits(' ', 1));
    if (!Confined(rest.first)) continue;
    MakeParents(root, rest.first);
    std::string path = root + "/" + std::string(rest.first);
    std::string arg(rest.second);
    switch (line[0]) {
      case 'f':
      case 'x':
        TryWriteFile(path, arg);
        chmod(path.c_str(), line[0] == 'x' ? 0755 : 0644);
        break;
      case 'd':
        mkdir(path.c_str(), 0755);
        break;
      case 'l':
        if (Confined(arg) || arg == ".") (void)!symlink(arg.c_str(), path.c_str());
        break;
      case 'h':
        if (Confined(arg)) (void)!link((root + "/" + arg).c_str(), path.c_str());
        break;
    }
  }
}

int64_t CountEntries(const std::string& blob_path) {
  archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_tar(a);
  int64_t entries = 0;
  if (archive_read_open_filename(a, blob_path.c_str(), 1 << 16) != ARCHIVE_OK) {
    fuzz::InvariantFailed("the layer blob does not open as a tar", archive_error_string(a));
  }
  archive_entry* entry;
  int r;
  while ((r = archive_read_next_header(a, &entry)) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    if (name.empty() || name[0] == '/' || name == ".." || absl::StartsWith(name, "../") ||
        absl::StrContains(name, "/../")) {
      fuzz::InvariantFailed("a layer entry leaves the root", name);
    }
    ++entries;
  }
  if (r != ARCHIVE_EOF) fuzz::InvariantFailed("the layer blob is not a whole tar", blob_path);
  archive_read_free(a);
  return entries;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<std::string> in = fuzz::SplitInput(data, size, 2);
  absl::StatusOr<nlohmann::json> json = ParseJson(in[1], "spec.json");
  if (!json.ok()) return 0;
  absl::StatusOr<LayerSpec> spec = ParseLayerSpec(*json, nullptr);
  fuzz::Trace("spec", spec.status());
  if (!spec.ok()) return 0;
  const std::string& dir = fuzz::ScratchDir();
  fuzz::EmptyDir(dir);
  const std::string root = dir + "/src";
  MakeTree(root, in[0]);
  for (SpecEntry& entry : spec->entries) {
    if (entry.type == SpecEntryType::kSymlink || entry.type == SpecEntryType::kDirectory) continue;
    if (!Confined(entry.source) && entry.source != ".") return 0;
    entry.source = root + "/" + entry.source;
  }
  absl::StatusOr<LayerOptions> options = ResolveLayerOptions(*spec, "", "", "");
  if (!options.ok()) return 0;
  options->threads = std::min(options->threads, 2);
  const std::string blob = dir + "/layer.tar", descriptor = dir + "/layer.json";
  absl::StatusOr<LayerDescriptor> built = BuildLayer(*spec, *options, blob, descriptor);
  fuzz::Trace("build", built.status());
  if (!built.ok()) {
    // Nothing but the source tree may remain: no blob, no descriptor, no temp file.
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().filename() != "src") {
        fuzz::InvariantFailed("a failed layer build left " + e.path().filename().string(),
                              built.status().ToString());
      }
    }
    return 0;
  }
  int64_t entries = CountEntries(blob);
  if (entries != built->entries) {
    fuzz::InvariantFailed("the descriptor's entry count differs from the tar's",
                          std::to_string(entries) + " vs " + std::to_string(built->entries));
  }
  return 0;
}
