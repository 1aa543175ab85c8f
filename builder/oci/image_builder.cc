#include "builder/oci/image_builder.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/common/workspace_status.h"
#include "builder/digest/sha256.h"
#include "builder/oci/config_files.h"

namespace stowage {
namespace oci {
namespace {

constexpr char kCreated[] = "org.opencontainers.image.created";
constexpr char kSource[] = "org.opencontainers.image.source";
constexpr char kRevision[] = "org.opencontainers.image.revision";
constexpr char kBaseDigest[] = "org.opencontainers.image.base.digest";

absl::Status SpecError(const std::string& what) {
  return absl::InvalidArgumentError("bad image spec: " + what);
}

absl::StatusOr<std::vector<std::string>> SpecStrings(const nlohmann::json& spec, const char* key) {
  std::vector<std::string> out;
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return out;
  if (!it->is_array()) return SpecError(absl::StrCat(key, " is not a list"));
  for (const auto& v : *it) {
    if (!v.is_string()) return SpecError(absl::StrCat(key, " holds a non-string"));
    out.push_back(v.get<std::string>());
  }
  return out;
}

absl::StatusOr<std::map<std::string, std::string>> SpecDict(const nlohmann::json& spec,
                                                            const char* key) {
  std::map<std::string, std::string> out;
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return out;
  if (!it->is_object()) return SpecError(absl::StrCat(key, " is not a dict"));
  for (const auto& [k, v] : it->items()) {
    if (!v.is_string()) return SpecError(absl::StrCat(key, "[", k, "] is not a string"));
    out[k] = v.get<std::string>();
  }
  return out;
}

absl::StatusOr<std::string> SpecString(const nlohmann::json& spec, const char* key) {
  auto it = spec.find(key);
  if (it == spec.end() || it->is_null()) return std::string();
  if (!it->is_string()) return SpecError(absl::StrCat(key, " is not a string"));
  return it->get<std::string>();
}

// The text of the file the spec names under `key` ("" when it names none), for the rules_oci
// file forms of env, labels, annotations, entrypoint, cmd, exposed_ports, volumes and created.
absl::StatusOr<std::optional<std::string>> SpecFileText(const nlohmann::json& spec,
                                                        const char* key) {
  ASSIGN_OR_RETURN(std::string path, SpecString(spec, key));
  if (path.empty()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return std::optional<std::string>(std::move(text));
}

// Entries of a KEY=VALUE file (`file_key`) with the spec's dict (`key`) over them.
absl::StatusOr<std::map<std::string, std::string>> DictWithFile(const nlohmann::json& spec,
                                                                const char* key,
                                                                const char* file_key) {
  std::map<std::string, std::string> out;
  ASSIGN_OR_RETURN(std::optional<std::string> text, SpecFileText(spec, file_key));
  if (text.has_value()) {
    ASSIGN_OR_RETURN(std::string path, SpecString(spec, file_key));
    ASSIGN_OR_RETURN(out, ParseKeyValueLines(*text, absl::StrCat(key, " file ", path)));
  }
  ASSIGN_OR_RETURN(auto dict, SpecDict(spec, key));
  for (auto& [k, v] : dict) out[k] = std::move(v);
  return out;
}

std::optional<std::string> NonEmpty(std::string s) {
  if (s.empty()) return std::nullopt;
  return s;
}

const std::string* Find(const std::map<std::string, std::string>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? nullptr : &it->second;
}

}  // namespace

absl::StatusOr<nlohmann::json> BuildHealthcheck(const nlohmann::json& spec) {
  if (!spec.is_object()) return SpecError("healthcheck is not a dict");
  nlohmann::json out = nlohmann::json::object();
  ASSIGN_OR_RETURN(std::vector<std::string> test, SpecStrings(spec, "test"));
  if (test.empty()) {
    return absl::InvalidArgumentError(
        "healthcheck needs a test: [\"CMD\", ...], [\"CMD-SHELL\", \"...\"] or [\"NONE\"]");
  }
  if (test[0] != "CMD" && test[0] != "CMD-SHELL" && test[0] != "NONE") {
    return absl::InvalidArgumentError(absl::StrCat(
        "healthcheck test must start with CMD, CMD-SHELL or NONE, not \"", test[0], "\""));
  }
  if (test[0] != "NONE" && test.size() < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("healthcheck test ", test[0], " needs a command"));
  }
  out["Test"] = test;
  for (const auto& [field, name] :
       std::vector<std::pair<const char*, const char*>>{{"interval", "Interval"},
                                                        {"timeout", "Timeout"},
                                                        {"start_period", "StartPeriod"},
                                                        {"start_interval", "StartInterval"}}) {
    ASSIGN_OR_RETURN(std::string text, SpecString(spec, field));
    if (text.empty()) continue;
    absl::Duration d;
    if (!absl::ParseDuration(text, &d) || d < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("healthcheck ", field, " \"", text,
                                                     "\" is not a duration like 30s or 1m30s"));
    }
    out[name] = absl::ToInt64Nanoseconds(d);  // Docker stores durations in nanoseconds
  }
  ASSIGN_OR_RETURN(std::string retries, SpecString(spec, "retries"));
  if (!retries.empty()) {
    int n;
    if (!absl::SimpleAtoi(retries, &n) || n < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("healthcheck retries \"", retries, "\" is not a non-negative integer"));
    }
    out["Retries"] = n;
  }
  for (const auto& [key, v] : spec.items()) {
    if (key != "test" && key != "interval" && key != "timeout" && key != "start_period" &&
        key != "start_interval" && key != "retries") {
      return absl::InvalidArgumentError(absl::StrCat("unknown healthcheck field \"", key, "\""));
    }
  }
  return out;
}

absl::StatusOr<ImageSpec> ParseImageSpec(const nlohmann::json& spec,
                                         const std::map<std::string, std::string>& status,
                                         int64_t source_date_epoch) {
  if (!spec.is_object()) return SpecError("not a JSON object");
  ImageSpec out;
  ImageOptions& o = out.inputs.options;
  ASSIGN_OR_RETURN(std::string format, SpecString(spec, "format"));
  ASSIGN_OR_RETURN(o.format, ParseImageFormat(format.empty() ? "oci" : format));

  if (auto base = spec.find("base"); base != spec.end() && !base->is_null()) {
    ASSIGN_OR_RETURN(std::string config, SpecString(*base, "config"));
    ASSIGN_OR_RETURN(std::string manifest, SpecString(*base, "manifest"));
    if (config.empty() || manifest.empty()) return SpecError("base needs config and manifest");
    out.base_config_path = config;
    out.base_manifest_path = manifest;
  }
  if (auto layers = spec.find("layers"); layers != spec.end() && !layers->is_null()) {
    if (!layers->is_array()) return SpecError("layers is not a list");
    for (const auto& layer : *layers) {
      ASSIGN_OR_RETURN(std::string path, SpecString(layer, "descriptor"));
      ASSIGN_OR_RETURN(std::string name, SpecString(layer, "name"));
      if (path.empty()) return SpecError("a layer without a descriptor");
      NewLayer l;
      ASSIGN_OR_RETURN(l.layer, ReadLayerDescriptor(path));
      l.created_by = name.empty() ? path : absl::StrCat("stowage: layer ", name);
      out.inputs.layers.push_back(std::move(l));
    }
  }

  ASSIGN_OR_RETURN(std::vector<std::string> entrypoint, SpecStrings(spec, "entrypoint"));
  if (spec.contains("entrypoint")) o.entrypoint = entrypoint;
  ASSIGN_OR_RETURN(std::optional<std::string> entrypoint_text,
                   SpecFileText(spec, "entrypoint_file"));
  if (entrypoint_text.has_value()) o.entrypoint = ParseLineList(*entrypoint_text);
  ASSIGN_OR_RETURN(std::vector<std::string> cmd, SpecStrings(spec, "cmd"));
  if (spec.contains("cmd")) o.cmd = cmd;
  ASSIGN_OR_RETURN(std::optional<std::string> cmd_text, SpecFileText(spec, "cmd_file"));
  if (cmd_text.has_value()) o.cmd = ParseLineList(*cmd_text);
  ASSIGN_OR_RETURN(o.env, DictWithFile(spec, "env", "env_file"));
  ASSIGN_OR_RETURN(std::string workdir, SpecString(spec, "workdir"));
  o.workdir = NonEmpty(workdir);
  ASSIGN_OR_RETURN(std::string user, SpecString(spec, "user"));
  o.user = NonEmpty(user);
  ASSIGN_OR_RETURN(o.exposed_ports, SpecStrings(spec, "exposed_ports"));
  ASSIGN_OR_RETURN(std::optional<std::string> ports_text, SpecFileText(spec, "exposed_ports_file"));
  if (ports_text.has_value()) {
    for (std::string& port : ParseCommaList(*ports_text)) o.exposed_ports.push_back(port);
  }
  ASSIGN_OR_RETURN(o.volumes, SpecStrings(spec, "volumes"));
  ASSIGN_OR_RETURN(std::optional<std::string> volumes_text, SpecFileText(spec, "volumes_file"));
  if (volumes_text.has_value()) {
    for (std::string& volume : ParseCommaList(*volumes_text)) o.volumes.push_back(volume);
  }
  ASSIGN_OR_RETURN(o.labels, DictWithFile(spec, "labels", "labels_file"));
  for (auto& [key, value] : o.labels) value = StampText(value, status);
  ASSIGN_OR_RETURN(std::string stop_signal, SpecString(spec, "stop_signal"));
  o.stop_signal = NonEmpty(stop_signal);
  ASSIGN_OR_RETURN(o.os, SpecString(spec, "os"));
  ASSIGN_OR_RETURN(o.architecture, SpecString(spec, "architecture"));
  ASSIGN_OR_RETURN(o.variant, SpecString(spec, "variant"));
  if (auto hc = spec.find("healthcheck"); hc != spec.end() && !hc->is_null()) {
    ASSIGN_OR_RETURN(o.healthcheck, BuildHealthcheck(*hc));
  }

  // Creation time: the `created` attribute (a value or a file, {KEY} stamped) when given; else
  // the stamp's BUILD_TIMESTAMP when stamping; else SOURCE_DATE_EPOCH (default 0).
  ASSIGN_OR_RETURN(std::string created_value, SpecString(spec, "created"));
  std::string created_where = "created";
  ASSIGN_OR_RETURN(std::optional<std::string> created_text, SpecFileText(spec, "created_file"));
  if (created_text.has_value()) {
    created_value = *created_text;
    ASSIGN_OR_RETURN(std::string created_path, SpecString(spec, "created_file"));
    created_where = absl::StrCat("created file ", created_path);
  }
  if (!absl::StripAsciiWhitespace(created_value).empty()) {
    ASSIGN_OR_RETURN(o.created, ParseCreated(StampText(created_value, status), created_where));
  } else {
    int64_t created = source_date_epoch;
    if (const std::string* ts = Find(status, "BUILD_TIMESTAMP")) {
      if (!absl::SimpleAtoi(*ts, &created)) {
        return absl::InvalidArgumentError(
            "BUILD_TIMESTAMP in the workspace status is not a number");
      }
    }
    o.created = FormatRfc3339(created);
  }

  ASSIGN_OR_RETURN(out.inputs.annotations, DictWithFile(spec, "annotations", "annotations_file"));
  for (auto& [key, value] : out.inputs.annotations) value = StampText(value, status);
  out.inputs.annotations.emplace(kCreated, o.created);
  if (const std::string* commit = Find(status, "STABLE_GIT_COMMIT")) {
    out.inputs.annotations.emplace(kRevision, *commit);
  }
  for (const char* key : {"STABLE_GIT_URL", "STABLE_SOURCE_URL"}) {
    if (const std::string* url = Find(status, key)) out.inputs.annotations.emplace(kSource, *url);
  }
  for (const auto& [key, value] : out.inputs.annotations) {
    if (key.empty()) return absl::InvalidArgumentError("an annotation without a name");
  }
  return out;
}

absl::StatusOr<BuiltImage> AssembleImage(const ImageInputs& inputs) {
  nlohmann::json base_config, base_manifest;
  const nlohmann::json* base_config_ptr = nullptr;
  const nlohmann::json* base_manifest_ptr = nullptr;
  std::map<std::string, std::string> annotations = inputs.annotations;
  if (inputs.base_config.has_value() != inputs.base_manifest.has_value()) {
    return absl::InvalidArgumentError("a base needs both its config and its manifest");
  }
  if (inputs.base_config.has_value()) {
    ASSIGN_OR_RETURN(base_config, ParseJson(*inputs.base_config, "the base config"));
    ASSIGN_OR_RETURN(base_manifest, ParseJson(*inputs.base_manifest, "the base manifest"));
    base_config_ptr = &base_config;
    base_manifest_ptr = &base_manifest;
    // The base's config must be the one its manifest names, and describe as many layers.
    if (!base_manifest.is_object() || !base_manifest.contains("config")) {
      return absl::InvalidArgumentError("malformed base manifest: no config descriptor");
    }
    ASSIGN_OR_RETURN(Descriptor config_desc,
                     ParseDescriptor(base_manifest["config"], "the base manifest's config"));
    std::string actual = Sha256Digest(*inputs.base_config);
    if (config_desc.digest != actual) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the base config's digest is ", actual, " but its manifest names ", config_desc.digest));
    }
    if (!IsConfigMediaType(config_desc.media_type)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the base is not a container image: config mediaType \"", config_desc.media_type, "\""));
    }
    annotations.emplace(kBaseDigest, Sha256Digest(*inputs.base_manifest));
  }

  ASSIGN_OR_RETURN(nlohmann::json config,
                   BuildConfig(base_config_ptr, inputs.options, inputs.layers));
  if (base_manifest_ptr != nullptr) {
    size_t base_layers = 0;
    if (auto it = base_manifest.find("layers"); it != base_manifest.end() && it->is_array()) {
      base_layers = it->size();
    }
    size_t base_diff_ids = config["rootfs"]["diff_ids"].size() - inputs.layers.size();
    if (base_layers != base_diff_ids) {
      return absl::InvalidArgumentError(absl::StrCat("the base manifest has ", base_layers,
                                                     " layers but its config has ", base_diff_ids,
                                                     " diff_ids"));
    }
  }

  BuiltImage out;
  ASSIGN_OR_RETURN(out.config, CanonicalJson(config, "the image config"));
  Descriptor config_desc = DescribeBlob(ConfigMediaType(inputs.options.format), out.config);
  ASSIGN_OR_RETURN(nlohmann::json manifest, BuildManifest(base_manifest_ptr, inputs.options.format,
                                                          config_desc, inputs.layers, annotations));
  ASSIGN_OR_RETURN(out.manifest, CanonicalJson(manifest, "the image manifest"));
  Descriptor manifest_desc = DescribeBlob(ManifestMediaType(inputs.options.format), out.manifest);
  manifest_desc.platform = PlatformOf(config);
  out.descriptor = manifest_desc.ToJson();
  return out;
}

}  // namespace oci
}  // namespace stowage
