#include "builder/oci/image_config.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "builder/common/status_macros.h"
#include "builder/digest/sha256.h"
#include "builder/oci/env.h"

namespace stowage {
namespace oci {
namespace {

// The container settings an image inherits from its base. Docker-era fields such as
// Hostname, AttachStdin or Image describe a build container, not the image: they are dropped.
constexpr const char* kInheritedSettings[] = {
    "User",       "ExposedPorts", "Env",        "Entrypoint",  "Cmd",   "Volumes",
    "WorkingDir", "Labels",       "StopSignal", "Healthcheck", "Shell", "OnBuild",
};

absl::Status Malformed(const std::string& what) {
  return absl::InvalidArgumentError("malformed base config: " + what);
}

bool IsEmptyValue(const nlohmann::json& v) {
  return v.is_null() || ((v.is_string() || v.is_array() || v.is_object()) && v.empty());
}

absl::StatusOr<std::vector<std::string>> StringList(const nlohmann::json& v,
                                                    const std::string& field) {
  if (!v.is_array()) return Malformed(field + " is not a list");
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.is_string()) return Malformed(field + " holds a non-string");
    out.push_back(item.get<std::string>());
  }
  return out;
}

absl::Status CheckObject(const nlohmann::json& settings, const char* field) {
  auto it = settings.find(field);
  if (it != settings.end() && !it->is_object())
    return Malformed(absl::StrCat(field, " is not an object"));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> BaseDiffIds(const nlohmann::json& base) {
  auto rootfs = base.find("rootfs");
  if (rootfs == base.end() || !rootfs->is_object()) return Malformed("no rootfs");
  auto type = rootfs->find("type");
  if (type == rootfs->end() || *type != "layers") return Malformed("rootfs.type is not \"layers\"");
  auto diff_ids = rootfs->find("diff_ids");
  if (diff_ids == rootfs->end() || diff_ids->is_null()) return std::vector<std::string>{};
  ASSIGN_OR_RETURN(std::vector<std::string> ids, StringList(*diff_ids, "rootfs.diff_ids"));
  for (const std::string& id : ids) {
    absl::Status valid = ValidateDigest(id);
    if (!valid.ok()) return Malformed(std::string(valid.message()));
  }
  return ids;
}

absl::StatusOr<std::string> PlatformField(const nlohmann::json* base, const char* field,
                                          const std::string& wanted, const char* fallback) {
  std::string inherited;
  if (base != nullptr) {
    auto it = base->find(field);
    if (it != base->end() && !it->is_null()) {
      if (!it->is_string()) return Malformed(absl::StrCat(field, " is not a string"));
      inherited = it->get<std::string>();
    }
  }
  if (wanted.empty()) return inherited.empty() ? std::string(fallback) : inherited;
  if (!inherited.empty() && inherited != wanted) {
    return absl::InvalidArgumentError(absl::StrCat("the base image has ", field, " \"", inherited,
                                                   "\" but the image sets \"", wanted, "\""));
  }
  return wanted;
}

std::string JoinPath(const std::string& dir, const std::string& rel) {
  if (dir.empty() || dir.back() == '/') return dir + rel;
  return dir + "/" + rel;
}

}  // namespace

std::string FormatRfc3339(int64_t unix_seconds) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromUnixSeconds(unix_seconds),
                          absl::UTCTimeZone());
}

absl::StatusOr<std::string> NormalizePort(const std::string& port) {
  std::string number = port;
  std::string protocol = "tcp";
  size_t slash = port.find('/');
  if (slash != std::string::npos) {
    number = port.substr(0, slash);
    protocol = absl::AsciiStrToLower(port.substr(slash + 1));
  }
  int value = 0;
  bool digits = !number.empty() && number.size() <= 5 &&
                number.find_first_not_of("0123456789") == std::string::npos;
  if (!digits || !absl::SimpleAtoi(number, &value) || value < 1 || value > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid exposed port \"", port, "\": want PORT or PORT/PROTOCOL, 1..65535"));
  }
  if (protocol != "tcp" && protocol != "udp" && protocol != "sctp") {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid exposed port \"", port, "\": protocol must be tcp, udp or sctp"));
  }
  return absl::StrCat(value, "/", protocol);
}

nlohmann::json PlatformOf(const nlohmann::json& config) {
  nlohmann::json platform = nlohmann::json::object();
  for (const char* field : {"architecture", "os", "variant", "os.version"}) {
    auto it = config.find(field);
    if (it != config.end() && it->is_string() && !it->get<std::string>().empty()) {
      platform[field] = *it;
    }
  }
  if (auto it = config.find("os.features"); it != config.end() && it->is_array() && !it->empty()) {
    platform["os.features"] = *it;
  }
  return platform;
}

absl::StatusOr<nlohmann::json> BuildConfig(const nlohmann::json* base_config,
                                           const ImageOptions& options,
                                           const std::vector<NewLayer>& layers) {
  nlohmann::json settings = nlohmann::json::object();
  std::vector<std::string> diff_ids;
  nlohmann::json history = nlohmann::json::array();

  if (base_config != nullptr) {
    const nlohmann::json& base = *base_config;
    if (!base.is_object()) return Malformed("not a JSON object");
    ASSIGN_OR_RETURN(diff_ids, BaseDiffIds(base));
    auto base_settings = base.find("config");
    if (base_settings != base.end() && !base_settings->is_null()) {
      if (!base_settings->is_object()) return Malformed("config is not an object");
      for (const char* field : kInheritedSettings) {
        auto it = base_settings->find(field);
        if (it != base_settings->end() && !IsEmptyValue(*it)) settings[field] = *it;
      }
    }
    for (const char* field : {"ExposedPorts", "Volumes", "Labels", "Healthcheck"}) {
      RETURN_IF_ERROR(CheckObject(settings, field));
    }
    for (const char* field : {"User", "WorkingDir", "StopSignal"}) {
      auto it = settings.find(field);
      if (it != settings.end() && !it->is_string()) {
        return Malformed(absl::StrCat(field, " is not a string"));
      }
    }
    for (const char* field : {"Entrypoint", "Cmd"}) {
      auto it = settings.find(field);
      if (it != settings.end()) RETURN_IF_ERROR(StringList(*it, field).status());
    }
    auto base_history = base.find("history");
    if (base_history != base.end() && !base_history->is_null()) {
      if (!base_history->is_array()) return Malformed("history is not a list");
      for (const auto& entry : *base_history) {
        if (!entry.is_object()) return Malformed("a history entry is not an object");
        history.push_back(entry);
      }
    }
  }

  // Env: the base's entries, then ours merged over them with $VAR expansion.
  EnvList env;
  if (auto it = settings.find("Env"); it != settings.end()) {
    ASSIGN_OR_RETURN(std::vector<std::string> entries, StringList(*it, "Env"));
    auto parsed = ParseEnvEntries(entries, "the base config");
    if (!parsed.ok()) return Malformed(std::string(parsed.status().message()));
    env = *std::move(parsed);
  }
  ASSIGN_OR_RETURN(env, MergeEnv(env, options.env));
  if (!env.empty()) settings["Env"] = FormatEnv(env);

  if (options.entrypoint.has_value()) {
    // As in a Dockerfile: a new ENTRYPOINT drops the CMD it inherited.
    settings.erase("Cmd");
    settings.erase("Entrypoint");
    if (!options.entrypoint->empty()) settings["Entrypoint"] = *options.entrypoint;
  }
  if (options.cmd.has_value()) {
    settings.erase("Cmd");
    if (!options.cmd->empty()) settings["Cmd"] = *options.cmd;
  }
  if (options.user.has_value()) {
    settings.erase("User");
    if (!options.user->empty()) settings["User"] = *options.user;
  }
  if (options.workdir.has_value() && !options.workdir->empty()) {
    std::string dir = *options.workdir;
    if (dir[0] != '/') {
      std::string base_dir = settings.value("WorkingDir", std::string("/"));
      dir = JoinPath(base_dir.empty() ? "/" : base_dir, dir);
    }
    settings["WorkingDir"] = dir;
  }
  for (const std::string& port : options.exposed_ports) {
    ASSIGN_OR_RETURN(std::string normalized, NormalizePort(port));
    settings["ExposedPorts"][normalized] = nlohmann::json::object();
  }
  for (const std::string& volume : options.volumes) {
    if (volume.empty() || volume[0] != '/') {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid volume \"", volume, "\": want an absolute path"));
    }
    settings["Volumes"][volume] = nlohmann::json::object();
  }
  for (const auto& [key, value] : options.labels) {
    if (key.empty()) return absl::InvalidArgumentError("a label without a name");
    settings["Labels"][key] = value;
  }
  if (options.stop_signal.has_value() && !options.stop_signal->empty()) {
    settings["StopSignal"] = *options.stop_signal;
  }
  if (!options.healthcheck.is_null()) settings["Healthcheck"] = options.healthcheck;

  nlohmann::json config = nlohmann::json::object();
  ASSIGN_OR_RETURN(std::string os, PlatformField(base_config, "os", options.os, "linux"));
  ASSIGN_OR_RETURN(std::string arch,
                   PlatformField(base_config, "architecture", options.architecture, "amd64"));
  config["os"] = os;
  config["architecture"] = arch;
  std::string variant = options.variant;
  if (variant.empty() && base_config != nullptr && options.architecture.empty()) {
    auto it = base_config->find("variant");
    if (it != base_config->end() && it->is_string()) variant = it->get<std::string>();
  }
  if (!variant.empty()) config["variant"] = variant;
  if (base_config != nullptr && options.os.empty()) {
    for (const char* field : {"os.version", "os.features"}) {
      auto it = base_config->find(field);
      if (it != base_config->end() && !IsEmptyValue(*it)) config[field] = *it;
    }
  }
  if (!options.created.empty()) config["created"] = options.created;
  if (!settings.empty()) config["config"] = settings;

  for (const NewLayer& layer : layers) {
    diff_ids.push_back(layer.layer.diff_id);
    nlohmann::json entry = {{"created_by", layer.created_by}};
    if (!options.created.empty()) entry["created"] = options.created;
    history.push_back(entry);
  }
  config["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
  if (!history.empty()) config["history"] = history;
  return config;
}

absl::StatusOr<nlohmann::json> BuildManifest(
    const nlohmann::json* base_manifest, ImageFormat format, const Descriptor& config,
    const std::vector<NewLayer>& layers, const std::map<std::string, std::string>& annotations) {
  nlohmann::json out_layers = nlohmann::json::array();
  if (base_manifest != nullptr) {
    const nlohmann::json& base = *base_manifest;
    auto bad = [](const std::string& what) {
      return absl::InvalidArgumentError("malformed base manifest: " + what);
    };
    if (!base.is_object()) return bad("not a JSON object");
    auto media_type = base.find("mediaType");
    if (media_type != base.end() && media_type->is_string() &&
        IsIndexMediaType(media_type->get<std::string>())) {
      return absl::InvalidArgumentError(
          "the base is an image index, not an image: pick one platform's manifest");
    }
    if (media_type != base.end() &&
        !(media_type->is_string() && IsManifestMediaType(media_type->get<std::string>()))) {
      return bad(absl::StrCat("mediaType ", media_type->dump(), " is not an image manifest"));
    }
    if (base.value("schemaVersion", 0) != 2) return bad("schemaVersion is not 2");
    auto base_layers = base.find("layers");
    if (base_layers != base.end() && !base_layers->is_null()) {
      if (!base_layers->is_array()) return bad("layers is not a list");
      for (size_t i = 0; i < base_layers->size(); ++i) {
        ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor((*base_layers)[i],
                                                       absl::StrCat("base manifest layer ", i)));
        ASSIGN_OR_RETURN(d.media_type, LayerMediaTypeFor(d.media_type, format));
        out_layers.push_back(d.ToJson());
      }
    }
  }
  for (const NewLayer& layer : layers) {
    Descriptor d = layer.layer.descriptor;
    ASSIGN_OR_RETURN(d.media_type, LayerMediaTypeFor(d.media_type, format));
    out_layers.push_back(d.ToJson());
  }
  nlohmann::json manifest = {
      {"schemaVersion", 2},
      {"mediaType", ManifestMediaType(format)},
      {"config", config.ToJson()},
      {"layers", out_layers},
  };
  if (format == ImageFormat::kOci && !annotations.empty()) manifest["annotations"] = annotations;
  return manifest;
}

}  // namespace oci
}  // namespace stowage
