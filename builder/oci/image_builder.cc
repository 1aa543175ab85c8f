#include "builder/oci/image_builder.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
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

// The text of the file the spec names under `key` ("" when it names none), for the rules_oci
// file forms of env, labels, annotations, entrypoint, cmd, exposed_ports, volumes and created.
absl::StatusOr<std::optional<std::string>> SpecFileText(const JsonView& spec, const char* key) {
  ASSIGN_OR_RETURN(std::string path, spec.OptionalString(key));
  if (path.empty()) return std::optional<std::string>();
  ASSIGN_OR_RETURN(std::string text, ReadFileCapped(path, limits::kMaxSpecBytes));
  return std::optional<std::string>(std::move(text));
}

// Entries of a KEY=VALUE file (`file_key`) with the spec's dict (`key`) over them.
absl::StatusOr<std::map<std::string, std::string>> DictWithFile(const JsonView& spec,
                                                                const char* key,
                                                                const char* file_key) {
  std::map<std::string, std::string> out;
  ASSIGN_OR_RETURN(std::optional<std::string> text, SpecFileText(spec, file_key));
  if (text.has_value()) {
    ASSIGN_OR_RETURN(std::string path, spec.OptionalString(file_key));
    ASSIGN_OR_RETURN(out, ParseKeyValueLines(*text, absl::StrCat(key, " file ", path)));
  }
  ASSIGN_OR_RETURN(auto dict, spec.OptionalStringMap(key));
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

absl::StatusOr<nlohmann::json> BuildHealthcheck(const JsonView& spec) {
  RETURN_IF_ERROR(
      spec.OnlyKeys({"test", "interval", "timeout", "start_period", "start_interval", "retries"}));
  nlohmann::json out = nlohmann::json::object();
  ASSIGN_OR_RETURN(std::vector<std::string> test, spec.OptionalStringArray("test"));
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
    ASSIGN_OR_RETURN(std::string text, spec.OptionalString(field));
    if (text.empty()) continue;
    absl::Duration d;
    if (!absl::ParseDuration(text, &d) || d < absl::ZeroDuration() ||
        d == absl::InfiniteDuration()) {
      return absl::InvalidArgumentError(absl::StrCat("healthcheck ", field, " \"", text,
                                                     "\" is not a duration like 30s or 1m30s"));
    }
    out[name] = absl::ToInt64Nanoseconds(d);  // Docker stores durations in nanoseconds
  }
  ASSIGN_OR_RETURN(std::string retries, spec.OptionalString("retries"));
  if (!retries.empty()) {
    int n;
    if (!absl::SimpleAtoi(retries, &n) || n < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("healthcheck retries \"", retries, "\" is not a non-negative integer"));
    }
    out["Retries"] = n;
  }
  return out;
}

absl::StatusOr<nlohmann::json> BuildHealthcheck(const nlohmann::json& spec) {
  return BuildHealthcheck(JsonView(spec, "the healthcheck"));
}

absl::StatusOr<ImageSpec> ParseImageSpec(const nlohmann::json& spec_json,
                                         const std::map<std::string, std::string>& status,
                                         int64_t source_date_epoch) {
  JsonView spec(spec_json, "the image spec");
  RETURN_IF_ERROR(spec.ExpectObject());
  ImageSpec out;
  ImageOptions& o = out.inputs.options;
  ASSIGN_OR_RETURN(std::string format, spec.OptionalString("format"));
  ASSIGN_OR_RETURN(o.format, ParseImageFormat(format.empty() ? "oci" : format));

  if (spec.Has("base")) {
    ASSIGN_OR_RETURN(JsonView base, spec.RequiredObject("base"));
    ASSIGN_OR_RETURN(std::string config, base.OptionalString("config"));
    ASSIGN_OR_RETURN(std::string manifest, base.OptionalString("manifest"));
    if (config.empty() || manifest.empty()) return SpecError("base needs config and manifest");
    out.base_config_path = config;
    out.base_manifest_path = manifest;
  }
  ASSIGN_OR_RETURN(std::vector<JsonView> layers, spec.OptionalArray("layers", limits::kMaxLayers));
  for (const JsonView& layer : layers) {
    ASSIGN_OR_RETURN(std::string path, layer.OptionalString("descriptor"));
    ASSIGN_OR_RETURN(std::string name, layer.OptionalString("name"));
    if (path.empty()) return SpecError("a layer without a descriptor");
    NewLayer l;
    ASSIGN_OR_RETURN(l.layer, ReadLayerDescriptor(path));
    l.created_by = name.empty() ? path : absl::StrCat("stowage: layer ", name);
    out.inputs.layers.push_back(std::move(l));
  }

  ASSIGN_OR_RETURN(std::vector<std::string> entrypoint, spec.OptionalStringArray("entrypoint"));
  if (spec.json().contains("entrypoint")) o.entrypoint = entrypoint;
  ASSIGN_OR_RETURN(std::optional<std::string> entrypoint_text,
                   SpecFileText(spec, "entrypoint_file"));
  if (entrypoint_text.has_value()) o.entrypoint = ParseLineList(*entrypoint_text);
  ASSIGN_OR_RETURN(std::vector<std::string> cmd, spec.OptionalStringArray("cmd"));
  if (spec.json().contains("cmd")) o.cmd = cmd;
  ASSIGN_OR_RETURN(std::optional<std::string> cmd_text, SpecFileText(spec, "cmd_file"));
  if (cmd_text.has_value()) o.cmd = ParseLineList(*cmd_text);
  ASSIGN_OR_RETURN(o.env, DictWithFile(spec, "env", "env_file"));
  ASSIGN_OR_RETURN(std::string workdir, spec.OptionalString("workdir"));
  o.workdir = NonEmpty(workdir);
  ASSIGN_OR_RETURN(std::string user, spec.OptionalString("user"));
  o.user = NonEmpty(user);
  ASSIGN_OR_RETURN(o.exposed_ports, spec.OptionalStringArray("exposed_ports"));
  ASSIGN_OR_RETURN(std::optional<std::string> ports_text, SpecFileText(spec, "exposed_ports_file"));
  if (ports_text.has_value()) {
    for (std::string& port : ParseCommaList(*ports_text)) o.exposed_ports.push_back(port);
  }
  ASSIGN_OR_RETURN(o.volumes, spec.OptionalStringArray("volumes"));
  ASSIGN_OR_RETURN(std::optional<std::string> volumes_text, SpecFileText(spec, "volumes_file"));
  if (volumes_text.has_value()) {
    for (std::string& volume : ParseCommaList(*volumes_text)) o.volumes.push_back(volume);
  }
  ASSIGN_OR_RETURN(o.labels, DictWithFile(spec, "labels", "labels_file"));
  for (auto& [key, value] : o.labels) value = StampText(value, status);
  ASSIGN_OR_RETURN(std::string stop_signal, spec.OptionalString("stop_signal"));
  o.stop_signal = NonEmpty(stop_signal);
  ASSIGN_OR_RETURN(o.os, spec.OptionalString("os"));
  ASSIGN_OR_RETURN(o.architecture, spec.OptionalString("architecture"));
  ASSIGN_OR_RETURN(o.variant, spec.OptionalString("variant"));
  if (spec.Has("healthcheck")) {
    ASSIGN_OR_RETURN(JsonView healthcheck, spec.Required("healthcheck"));
    ASSIGN_OR_RETURN(o.healthcheck, BuildHealthcheck(healthcheck));
  }

  // Creation time: the `created` attribute (a value or a file, {KEY} stamped) when given; else
  // the stamp's BUILD_TIMESTAMP when stamping; else SOURCE_DATE_EPOCH (default 0).
  ASSIGN_OR_RETURN(std::string created_value, spec.OptionalString("created"));
  std::string created_where = "created";
  ASSIGN_OR_RETURN(std::optional<std::string> created_text, SpecFileText(spec, "created_file"));
  if (created_text.has_value()) {
    created_value = *created_text;
    ASSIGN_OR_RETURN(std::string created_path, spec.OptionalString("created_file"));
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
    JsonView manifest_view(base_manifest, "the base manifest");
    ASSIGN_OR_RETURN(JsonView config_view, manifest_view.RequiredObject("config"));
    ASSIGN_OR_RETURN(Descriptor config_desc, ParseDescriptor(config_view));
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
    ASSIGN_OR_RETURN(
        std::vector<JsonView> layer_views,
        JsonView(base_manifest, "the base manifest").OptionalArray("layers", limits::kMaxLayers));
    size_t base_layers = layer_views.size();
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
  ASSIGN_OR_RETURN(manifest_desc.platform, PlatformOf(JsonView(config, "the image config")));
  out.descriptor = manifest_desc.ToJson();
  return out;
}

}  // namespace oci
}  // namespace stowage
