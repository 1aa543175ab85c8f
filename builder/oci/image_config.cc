#include "builder/oci/image_config.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "builder/common/json_access.h"
#include "builder/common/limits.h"
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

absl::StatusOr<std::vector<std::string>> BaseDiffIds(const JsonView& base) {
  ASSIGN_OR_RETURN(JsonView rootfs, base.RequiredObject("rootfs"));
  ASSIGN_OR_RETURN(std::string type, rootfs.RequiredString("type"));
  if (type != "layers") return Malformed("rootfs.type is not \"layers\"");
  ASSIGN_OR_RETURN(std::vector<JsonView> ids, rootfs.OptionalArray("diff_ids", limits::kMaxLayers));
  std::vector<std::string> out;
  for (const JsonView& id : ids) {
    ASSIGN_OR_RETURN(std::string digest, id.AsString());
    absl::Status valid = ValidateDigest(digest);
    if (!valid.ok()) return id.Error(valid.message());
    out.push_back(std::move(digest));
  }
  return out;
}

// Checks the types of the settings an image inherits, so that everything below (and every
// reader of our output) can rely on them.
absl::Status CheckInheritedSettings(const JsonView& settings) {
  for (const char* field : {"User", "WorkingDir", "StopSignal"}) {
    RETURN_IF_ERROR(settings.OptionalString(field).status());
  }
  for (const char* field : {"Entrypoint", "Cmd", "Shell", "OnBuild"}) {
    RETURN_IF_ERROR(settings.OptionalStringArray(field, limits::kMaxConfigEntries).status());
  }
  RETURN_IF_ERROR(settings.OptionalStringMap("Labels", limits::kMaxConfigEntries).status());
  for (const char* field : {"ExposedPorts", "Volumes"}) {
    ASSIGN_OR_RETURN(JsonView set, settings.OptionalObject(field));
    RETURN_IF_ERROR(set.AsObject(limits::kMaxConfigEntries).status());
  }
  RETURN_IF_ERROR(settings.OptionalObject("Healthcheck").status());
  return absl::OkStatus();
}

absl::StatusOr<std::string> PlatformField(const JsonView* base, const char* field,
                                          const std::string& wanted, const char* fallback) {
  std::string inherited;
  if (base != nullptr) {
    ASSIGN_OR_RETURN(inherited, base->OptionalString(field));
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

absl::StatusOr<nlohmann::json> PlatformOf(const JsonView& config) {
  RETURN_IF_ERROR(config.ExpectObject());
  nlohmann::json platform = nlohmann::json::object();
  for (const char* field : {"architecture", "os", "variant", "os.version"}) {
    ASSIGN_OR_RETURN(std::string value, config.OptionalString(field));
    if (!value.empty()) platform[field] = value;
  }
  ASSIGN_OR_RETURN(std::vector<std::string> features,
                   config.OptionalStringArray("os.features", limits::kMaxConfigEntries));
  if (!features.empty()) platform["os.features"] = features;
  return platform;
}

absl::StatusOr<nlohmann::json> BuildConfig(const nlohmann::json* base_config,
                                           const ImageOptions& options,
                                           const std::vector<NewLayer>& layers) {
  nlohmann::json settings = nlohmann::json::object();
  std::vector<std::string> diff_ids;
  nlohmann::json history = nlohmann::json::array();
  std::optional<JsonView> base;
  if (base_config != nullptr) base.emplace(*base_config, "the base config");

  if (base.has_value()) {
    RETURN_IF_ERROR(base->ExpectObject());
    ASSIGN_OR_RETURN(diff_ids, BaseDiffIds(*base));
    ASSIGN_OR_RETURN(JsonView base_settings, base->OptionalObject("config"));
    RETURN_IF_ERROR(CheckInheritedSettings(base_settings));
    for (const char* field : kInheritedSettings) {
      ASSIGN_OR_RETURN(JsonView value, base_settings.Get(field));
      if (!IsEmptyValue(value.json())) settings[field] = value.json();
    }
    ASSIGN_OR_RETURN(std::vector<JsonView> base_history,
                     base->OptionalArray("history", limits::kMaxConfigEntries));
    for (const JsonView& entry : base_history) {
      RETURN_IF_ERROR(entry.ExpectObject());
      history.push_back(entry.json());
    }
  }

  // Env: the base's entries, then ours merged over them with $VAR expansion.
  EnvList env;
  if (base.has_value()) {
    ASSIGN_OR_RETURN(JsonView base_settings, base->OptionalObject("config"));
    ASSIGN_OR_RETURN(std::vector<std::string> entries,
                     base_settings.OptionalStringArray("Env", limits::kMaxConfigEntries));
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
      auto inherited = settings.find("WorkingDir");  // a string: CheckInheritedSettings
      std::string base_dir =
          inherited == settings.end() ? "/" : inherited->get_ref<const std::string&>();
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
  const JsonView* base_view = base.has_value() ? &*base : nullptr;
  ASSIGN_OR_RETURN(std::string os, PlatformField(base_view, "os", options.os, "linux"));
  ASSIGN_OR_RETURN(std::string arch,
                   PlatformField(base_view, "architecture", options.architecture, "amd64"));
  config["os"] = os;
  config["architecture"] = arch;
  std::string variant = options.variant;
  if (variant.empty() && base.has_value() && options.architecture.empty()) {
    ASSIGN_OR_RETURN(variant, base->OptionalString("variant"));
  }
  if (!variant.empty()) config["variant"] = variant;
  if (base.has_value() && options.os.empty()) {
    ASSIGN_OR_RETURN(std::string os_version, base->OptionalString("os.version"));
    if (!os_version.empty()) config["os.version"] = os_version;
    ASSIGN_OR_RETURN(std::vector<std::string> os_features,
                     base->OptionalStringArray("os.features", limits::kMaxConfigEntries));
    if (!os_features.empty()) config["os.features"] = os_features;
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
  // A digest names one blob: listed twice with two sizes, one of the descriptors is wrong
  // (registries and runtimes would check the blob against either).
  std::map<std::string, int64_t> sizes;
  auto check_size = [&sizes](const Descriptor& d) -> absl::Status {
    auto [it, inserted] = sizes.emplace(d.digest, d.size);
    if (!inserted && it->second != d.size) {
      return absl::InvalidArgumentError(
          absl::StrCat("layer ", d.digest, " is listed with sizes ", it->second, " and ", d.size));
    }
    return absl::OkStatus();
  };
  if (base_manifest != nullptr) {
    JsonView base(*base_manifest, "the base manifest");
    RETURN_IF_ERROR(base.ExpectObject());
    ASSIGN_OR_RETURN(std::string media_type, base.OptionalString("mediaType"));
    if (IsIndexMediaType(media_type)) {
      return absl::InvalidArgumentError(
          "the base is an image index, not an image: pick one platform's manifest");
    }
    if (base.Has("mediaType") && !IsManifestMediaType(media_type)) {
      return base.Error(absl::StrCat("mediaType \"", media_type, "\" is not an image manifest"));
    }
    ASSIGN_OR_RETURN(int64_t schema_version, base.RequiredInt("schemaVersion", 2, 2));
    (void)schema_version;
    ASSIGN_OR_RETURN(std::vector<JsonView> base_layers,
                     base.OptionalArray("layers", limits::kMaxLayers));
    for (const JsonView& layer : base_layers) {
      ASSIGN_OR_RETURN(Descriptor d, ParseDescriptor(layer));
      RETURN_IF_ERROR(check_size(d));
      ASSIGN_OR_RETURN(d.media_type, LayerMediaTypeFor(d.media_type, format));
      out_layers.push_back(d.ToJson());
    }
  }
  for (const NewLayer& layer : layers) {
    Descriptor d = layer.layer.descriptor;
    RETURN_IF_ERROR(check_size(d));
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
