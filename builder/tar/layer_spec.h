// The layer spec: what `stowage layer` puts in a layer (docs/formats.md, "Layer spec").
#ifndef STOWAGE_BUILDER_TAR_LAYER_SPEC_H_
#define STOWAGE_BUILDER_TAR_LAYER_SPEC_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/common/json_access.h"
#include "nlohmann/json.hpp"

namespace stowage {

// Optional per-entry attributes; unset ones fall back to the spec's defaults.
struct EntryAttrs {
  std::optional<uint32_t> mode;
  std::optional<int64_t> uid;
  std::optional<int64_t> gid;
  std::optional<std::string> uname;
  std::optional<std::string> gname;
  std::optional<int64_t> mtime;
};

enum class SpecEntryType {
  kFile,       // `source` must be a regular file (symlinks followed) -> `path`
  kTree,       // `source` must be a directory, walked recursively -> under `path`
  kSource,     // a file or a directory, whichever `source` turns out to be
  kSymlink,    // `path` -> `target`, stored as a symlink
  kDirectory,  // an (empty) directory at `path`
};

struct SpecEntry {
  SpecEntryType type;
  std::string source;  // file, tree, source
  std::string path;    // raw image path as written in the spec
  std::string target;  // symlink
  EntryAttrs attrs;
  // tree/source entries: the mode of every regular file found (instead of 0644/0755 from the
  // file's execute bits, which Bazel sets on every output it makes).
  std::optional<uint32_t> file_mode;
  // file entries: `path` is a whiteout (".wh.x" deletes x from the layers below) on purpose.
  // Without it a .wh.* name anywhere in a layer is an error, never a silent deletion.
  bool whiteout = false;
  std::string where;  // "entries[3]", for error messages
};

struct LayerSpec {
  std::vector<SpecEntry> entries;
  // Defaults for every entry, including implicit parent directories.
  int64_t uid = 0;
  int64_t gid = 0;
  std::string uname;
  std::string gname;
  int64_t mtime = 0;
  // Mode overrides by image path, applied after trees are walked.
  std::map<std::string, uint32_t> modes;
  // Settings the command line may override.
  std::optional<std::string> compression;
  std::optional<int> level;
  std::optional<int> threads;
};

// Parses a spec. `source_date_epoch` is the SOURCE_DATE_EPOCH environment value (nullptr when
// unset); it sets the default mtime unless the spec has one. Unknown keys are errors, so a typo
// never silently changes a layer.
// `where` names the spec in errors. Strings holding NUL are refused (a NUL would cut a path).
absl::StatusOr<LayerSpec> ParseLayerSpec(const nlohmann::json& json, const char* source_date_epoch,
                                         const std::string& where = "the layer spec");

// Reads and parses a spec file.
absl::StatusOr<LayerSpec> ReadLayerSpec(const std::string& path, const char* source_date_epoch);

// Parses a mode: an octal string ("0755", "1777") or a JSON integer; at most 07777.
absl::StatusOr<uint32_t> ParseMode(const JsonView& value);
absl::StatusOr<uint32_t> ParseMode(const nlohmann::json& value, const std::string& where);

// The largest compression level a spec may name (zstd's); each compression checks its own.
inline constexpr int kMaxCompressionLevel = 22;

// Parses SOURCE_DATE_EPOCH: decimal digits only.
absl::StatusOr<int64_t> ParseSourceDateEpoch(const std::string& text);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_TAR_LAYER_SPEC_H_
