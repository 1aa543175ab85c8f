#include "builder/tar/layer_spec.h"

#include "absl/strings/numbers.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

using nlohmann::json;

// Names and owners go into tar headers: at most this long (pax allows more, nothing needs it).
constexpr size_t kMaxOwnerName = 255;
constexpr int64_t kMaxId = int64_t{1} << 53;

absl::Status ParseAttrs(const JsonView& object, EntryAttrs* attrs) {
  if (object.Has("mode")) {
    ASSIGN_OR_RETURN(JsonView mode, object.Required("mode"));
    ASSIGN_OR_RETURN(attrs->mode, ParseMode(mode));
  }
  if (object.Has("uid")) {
    ASSIGN_OR_RETURN(attrs->uid, object.RequiredInt("uid", 0, kMaxId));
  }
  if (object.Has("gid")) {
    ASSIGN_OR_RETURN(attrs->gid, object.RequiredInt("gid", 0, kMaxId));
  }
  if (object.Has("uname")) {
    ASSIGN_OR_RETURN(attrs->uname, object.RequiredString("uname", kMaxOwnerName));
  }
  if (object.Has("gname")) {
    ASSIGN_OR_RETURN(attrs->gname, object.RequiredString("gname", kMaxOwnerName));
  }
  if (object.Has("mtime")) {
    ASSIGN_OR_RETURN(attrs->mtime, object.RequiredInt("mtime", 0, kMaxId));
  }
  return absl::OkStatus();
}

absl::StatusOr<SpecEntry> ParseEntry(const JsonView& object) {
  RETURN_IF_ERROR(object.OnlyKeys({"type", "source", "path", "target", "mode", "fileMode", "uid",
                                   "gid", "uname", "gname", "mtime", "whiteout"}));
  SpecEntry entry;
  entry.where = object.path();
  ASSIGN_OR_RETURN(std::string type, object.RequiredString("type"));
  if (type == "file") {
    entry.type = SpecEntryType::kFile;
  } else if (type == "tree") {
    entry.type = SpecEntryType::kTree;
  } else if (type == "source") {
    entry.type = SpecEntryType::kSource;
  } else if (type == "symlink") {
    entry.type = SpecEntryType::kSymlink;
  } else if (type == "dir") {
    entry.type = SpecEntryType::kDirectory;
  } else {
    return object.Error("type \"" + type + "\" is not one of file, tree, source, symlink, dir");
  }
  bool wants_source = entry.type == SpecEntryType::kFile || entry.type == SpecEntryType::kTree ||
                      entry.type == SpecEntryType::kSource;
  if (wants_source) {
    ASSIGN_OR_RETURN(entry.source, object.RequiredString("source"));
    if (entry.source.empty()) return object.Error("\"source\" is empty");
  } else if (object.Has("source")) {
    return object.Error("\"source\" is only for file, tree and source entries");
  }
  if (entry.type == SpecEntryType::kSymlink) {
    ASSIGN_OR_RETURN(entry.target, object.RequiredString("target"));
    if (entry.target.empty()) return object.Error("\"target\" is empty");
  } else if (object.Has("target")) {
    return object.Error("\"target\" is only for symlink entries");
  }
  ASSIGN_OR_RETURN(entry.path, object.RequiredString("path"));
  if (object.Has("whiteout")) {
    if (entry.type != SpecEntryType::kFile) {
      return object.Error("\"whiteout\" is only for file entries");
    }
    ASSIGN_OR_RETURN(entry.whiteout, object.RequiredBool("whiteout"));
  }
  RETURN_IF_ERROR(ParseAttrs(object, &entry.attrs));
  bool walks = entry.type == SpecEntryType::kTree || entry.type == SpecEntryType::kSource;
  if (walks && entry.attrs.mode.has_value()) {
    // A tree holds files and directories that want different modes: use "modes" per path.
    return object.Error(
        "\"mode\" is not allowed on tree/source entries; use \"fileMode\" or \"modes\"");
  }
  if (object.Has("fileMode")) {
    if (!walks) return object.Error("\"fileMode\" is only for tree and source entries");
    ASSIGN_OR_RETURN(JsonView file_mode, object.Required("fileMode"));
    ASSIGN_OR_RETURN(entry.file_mode, ParseMode(file_mode));
  }
  return entry;
}

}  // namespace

absl::StatusOr<uint32_t> ParseMode(const JsonView& value) {
  uint64_t mode = 0;
  if (value.is_string()) {
    ASSIGN_OR_RETURN(std::string text, value.AsString());
    if (text.empty() || text.size() > 6) return value.Error("want an octal mode like \"0755\"");
    for (char c : text) {
      if (c < '0' || c > '7') return value.Error("\"" + text + "\" is not an octal mode");
      mode = mode * 8 + (c - '0');
    }
  } else {
    ASSIGN_OR_RETURN(int64_t number, value.AsInt(0, 07777));
    mode = static_cast<uint64_t>(number);
  }
  if (mode > 07777) return value.Error("mode is larger than 07777");
  return static_cast<uint32_t>(mode);
}

absl::StatusOr<uint32_t> ParseMode(const nlohmann::json& value, const std::string& where) {
  return ParseMode(JsonView(value, where));
}

absl::StatusOr<int64_t> ParseSourceDateEpoch(const std::string& text) {
  int64_t value = 0;
  bool digits = !text.empty() && text.size() <= 15;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (!digits || !absl::SimpleAtoi(text, &value)) {
    return absl::InvalidArgumentError("SOURCE_DATE_EPOCH=\"" + text +
                                      "\" is not a non-negative integer of seconds");
  }
  return value;
}

absl::StatusOr<LayerSpec> ParseLayerSpec(const json& json_spec, const char* source_date_epoch,
                                         const std::string& where) {
  JsonView root(json_spec, where);
  RETURN_IF_ERROR(root.OnlyKeys({"entries", "uid", "gid", "uname", "gname", "mtime", "modes",
                                 "compression", "level", "threads"}));
  LayerSpec spec;
  if (source_date_epoch != nullptr) {
    ASSIGN_OR_RETURN(spec.mtime, ParseSourceDateEpoch(source_date_epoch));
  }
  EntryAttrs defaults;
  RETURN_IF_ERROR(ParseAttrs(root, &defaults));
  spec.uid = defaults.uid.value_or(0);
  spec.gid = defaults.gid.value_or(0);
  spec.uname = defaults.uname.value_or("");
  spec.gname = defaults.gname.value_or("");
  if (defaults.mtime.has_value()) spec.mtime = *defaults.mtime;

  ASSIGN_OR_RETURN(std::vector<JsonView> entries, root.OptionalArray("entries"));
  for (const JsonView& entry : entries) {
    ASSIGN_OR_RETURN(SpecEntry parsed, ParseEntry(entry));
    spec.entries.push_back(std::move(parsed));
  }
  ASSIGN_OR_RETURN(JsonView modes, root.OptionalObject("modes"));
  ASSIGN_OR_RETURN(JsonView::Members mode_members, modes.AsObject());
  for (const auto& [path, value] : mode_members) {
    if (path.find('\0') != std::string::npos) return value.Error("the path contains a NUL byte");
    ASSIGN_OR_RETURN(uint32_t mode, ParseMode(value));
    spec.modes[path] = mode;
  }
  if (root.Has("compression")) {
    ASSIGN_OR_RETURN(spec.compression, root.RequiredString("compression"));
  }
  if (root.Has("level")) {
    // Range-checked here (an int cast would wrap 2^32 + 3 to 3); which levels a compression
    // takes is checked with the compression.
    ASSIGN_OR_RETURN(int64_t level, root.RequiredInt("level", 0, kMaxCompressionLevel));
    spec.level = static_cast<int>(level);
  }
  if (root.Has("threads")) {
    ASSIGN_OR_RETURN(int64_t threads, root.RequiredInt("threads", 0, 1024));
    spec.threads = static_cast<int>(threads);
  }
  return spec;
}

absl::StatusOr<LayerSpec> ReadLayerSpec(const std::string& path, const char* source_date_epoch) {
  ASSIGN_OR_RETURN(json value, ReadJsonFile(path, limits::kMaxSpecBytes));
  return ParseLayerSpec(value, source_date_epoch, "layer spec " + path);
}

}  // namespace stowage
