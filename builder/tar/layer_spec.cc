#include "builder/tar/layer_spec.h"

#include <set>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace {

using nlohmann::json;

absl::Status Malformed(const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("malformed layer spec: ", where, ": ", what));
}

absl::Status CheckKeys(const json& object, const std::set<std::string>& allowed,
                       const std::string& where) {
  if (!object.is_object()) return Malformed(where, "want a JSON object");
  for (const auto& item : object.items()) {
    if (allowed.count(item.key()) == 0)
      return Malformed(where, "unknown key \"" + item.key() + "\"");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> GetString(const json& value, const std::string& where) {
  if (!value.is_string()) return Malformed(where, "want a string");
  return value.get<std::string>();
}

absl::StatusOr<int64_t> GetNonNegative(const json& value, const std::string& where,
                                       int64_t max = (int64_t{1} << 53)) {
  if (!value.is_number_integer()) return Malformed(where, "want an integer");
  if (value.is_number_unsigned()) {
    uint64_t v = value.get<uint64_t>();
    if (v > static_cast<uint64_t>(max)) return Malformed(where, "too large");
    return static_cast<int64_t>(v);
  }
  int64_t v = value.get<int64_t>();
  if (v < 0) return Malformed(where, "must not be negative");
  if (v > max) return Malformed(where, "too large");
  return v;
}

absl::Status ParseAttrs(const json& object, const std::string& where, EntryAttrs* attrs) {
  if (object.contains("mode")) {
    ASSIGN_OR_RETURN(attrs->mode, ParseMode(object["mode"], where + ".mode"));
  }
  if (object.contains("uid")) {
    ASSIGN_OR_RETURN(attrs->uid, GetNonNegative(object["uid"], where + ".uid"));
  }
  if (object.contains("gid")) {
    ASSIGN_OR_RETURN(attrs->gid, GetNonNegative(object["gid"], where + ".gid"));
  }
  if (object.contains("uname")) {
    ASSIGN_OR_RETURN(attrs->uname, GetString(object["uname"], where + ".uname"));
  }
  if (object.contains("gname")) {
    ASSIGN_OR_RETURN(attrs->gname, GetString(object["gname"], where + ".gname"));
  }
  if (object.contains("mtime")) {
    ASSIGN_OR_RETURN(attrs->mtime, GetNonNegative(object["mtime"], where + ".mtime"));
  }
  return absl::OkStatus();
}

absl::StatusOr<SpecEntry> ParseEntry(const json& object, const std::string& where) {
  RETURN_IF_ERROR(CheckKeys(object,
                            {"type", "source", "path", "target", "mode", "fileMode", "uid", "gid",
                             "uname", "gname", "mtime"},
                            where));
  SpecEntry entry;
  entry.where = where;
  if (!object.contains("type")) return Malformed(where, "missing \"type\"");
  ASSIGN_OR_RETURN(std::string type, GetString(object["type"], where + ".type"));
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
    return Malformed(where + ".type",
                     "\"" + type + "\" is not one of file, tree, source, symlink, dir");
  }
  bool wants_source = entry.type == SpecEntryType::kFile || entry.type == SpecEntryType::kTree ||
                      entry.type == SpecEntryType::kSource;
  if (wants_source) {
    if (!object.contains("source")) return Malformed(where, "missing \"source\"");
    ASSIGN_OR_RETURN(entry.source, GetString(object["source"], where + ".source"));
    if (entry.source.empty()) return Malformed(where + ".source", "empty");
  } else if (object.contains("source")) {
    return Malformed(where, "\"source\" is only for file, tree and source entries");
  }
  if (entry.type == SpecEntryType::kSymlink) {
    if (!object.contains("target")) return Malformed(where, "missing \"target\"");
    ASSIGN_OR_RETURN(entry.target, GetString(object["target"], where + ".target"));
    if (entry.target.empty()) return Malformed(where + ".target", "empty");
    if (entry.target.find('\0') != std::string::npos)
      return Malformed(where + ".target", "NUL byte");
  } else if (object.contains("target")) {
    return Malformed(where, "\"target\" is only for symlink entries");
  }
  if (!object.contains("path")) return Malformed(where, "missing \"path\"");
  ASSIGN_OR_RETURN(entry.path, GetString(object["path"], where + ".path"));
  RETURN_IF_ERROR(ParseAttrs(object, where, &entry.attrs));
  bool walks = entry.type == SpecEntryType::kTree || entry.type == SpecEntryType::kSource;
  if (walks && entry.attrs.mode.has_value()) {
    // A tree holds files and directories that want different modes: use "modes" per path.
    return Malformed(
        where, "\"mode\" is not allowed on tree/source entries; use \"fileMode\" or \"modes\"");
  }
  if (object.contains("fileMode")) {
    if (!walks) return Malformed(where, "\"fileMode\" is only for tree and source entries");
    ASSIGN_OR_RETURN(entry.file_mode, ParseMode(object["fileMode"], where + ".fileMode"));
  }
  return entry;
}

}  // namespace

absl::StatusOr<uint32_t> ParseMode(const json& value, const std::string& where) {
  uint64_t mode = 0;
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.empty() || text.size() > 6)
      return Malformed(where, "want an octal mode like \"0755\"");
    for (char c : text) {
      if (c < '0' || c > '7') return Malformed(where, "\"" + text + "\" is not an octal mode");
      mode = mode * 8 + (c - '0');
    }
  } else if (value.is_number_unsigned()) {
    mode = value.get<uint64_t>();
  } else if (value.is_number_integer() && value.get<int64_t>() >= 0) {
    mode = static_cast<uint64_t>(value.get<int64_t>());
  } else {
    return Malformed(where, "want an octal string like \"0755\"");
  }
  if (mode > 07777) return Malformed(where, "mode is larger than 07777");
  return static_cast<uint32_t>(mode);
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

absl::StatusOr<LayerSpec> ParseLayerSpec(const json& json_spec, const char* source_date_epoch) {
  RETURN_IF_ERROR(CheckKeys(json_spec,
                            {"entries", "uid", "gid", "uname", "gname", "mtime", "modes",
                             "compression", "level", "threads"},
                            "spec"));
  LayerSpec spec;
  if (source_date_epoch != nullptr) {
    ASSIGN_OR_RETURN(spec.mtime, ParseSourceDateEpoch(source_date_epoch));
  }
  EntryAttrs defaults;
  RETURN_IF_ERROR(ParseAttrs(json_spec, "spec", &defaults));
  spec.uid = defaults.uid.value_or(0);
  spec.gid = defaults.gid.value_or(0);
  spec.uname = defaults.uname.value_or("");
  spec.gname = defaults.gname.value_or("");
  if (defaults.mtime.has_value()) spec.mtime = *defaults.mtime;

  if (json_spec.contains("entries")) {
    const json& entries = json_spec["entries"];
    if (!entries.is_array()) return Malformed("spec.entries", "want an array");
    for (size_t i = 0; i < entries.size(); ++i) {
      ASSIGN_OR_RETURN(SpecEntry entry, ParseEntry(entries[i], absl::StrCat("entries[", i, "]")));
      spec.entries.push_back(std::move(entry));
    }
  }
  if (json_spec.contains("modes")) {
    const json& modes = json_spec["modes"];
    if (!modes.is_object()) return Malformed("spec.modes", "want an object of path -> mode");
    for (const auto& item : modes.items()) {
      ASSIGN_OR_RETURN(uint32_t mode, ParseMode(item.value(), "modes[\"" + item.key() + "\"]"));
      spec.modes[item.key()] = mode;
    }
  }
  if (json_spec.contains("compression")) {
    ASSIGN_OR_RETURN(spec.compression, GetString(json_spec["compression"], "spec.compression"));
  }
  if (json_spec.contains("level")) {
    const json& level = json_spec["level"];
    if (!level.is_number_integer()) return Malformed("spec.level", "want an integer");
    spec.level = level.get<int>();
  }
  if (json_spec.contains("threads")) {
    ASSIGN_OR_RETURN(int64_t threads, GetNonNegative(json_spec["threads"], "spec.threads", 1024));
    spec.threads = static_cast<int>(threads);
  }
  return spec;
}

absl::StatusOr<LayerSpec> ReadLayerSpec(const std::string& path, const char* source_date_epoch) {
  ASSIGN_OR_RETURN(json value, ReadJsonFile(path));
  return ParseLayerSpec(value, source_date_epoch);
}

}  // namespace stowage
