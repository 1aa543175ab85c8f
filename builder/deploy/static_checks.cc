#include "builder/deploy/static_checks.h"

#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/json_access.h"
#include "builder/common/limits.h"
#include "builder/deploy/heroku_manifest.h"
#include "builder/deploy/secrets.h"
#include "yaml-cpp/yaml.h"

namespace stowage {
namespace {

// Wrong types in an image config or manifest, collected while reading: each field of the
// wrong type reads as absent (the other checks still run) and becomes one STW014 finding.
using Problems = std::vector<std::string>;

template <typename T>
T OrAbsent(absl::StatusOr<T> value, T absent, Problems* problems) {
  if (value.ok()) return *std::move(value);
  if (problems != nullptr) problems->push_back(std::string(value.status().message()));
  return absent;
}

void ReportProblems(const Problems& problems, std::vector<Finding>* findings) {
  for (const std::string& problem : problems) findings->push_back(MakeFinding("STW014", problem));
}

// The "config" object of an image config (an empty object when absent or not an object).
JsonView ContainerConfig(const JsonView& image_config, Problems* problems) {
  static const nlohmann::json* kEmpty = new nlohmann::json(nlohmann::json::object());
  if (!image_config.is_object()) {
    OrAbsent<bool>(image_config.ExpectObject(), false, problems);
    return JsonView(*kEmpty, image_config.source());
  }
  return OrAbsent(image_config.OptionalObject("config"), JsonView(*kEmpty, image_config.source()),
                  problems);
}

std::vector<std::string> StringArray(const JsonView& config, const char* field,
                                     Problems* problems) {
  return OrAbsent(config.OptionalStringArray(field, limits::kMaxConfigEntries),
                  std::vector<std::string>(), problems);
}

// The Env of a container config (the "config" object of an image config).
std::map<std::string, std::string> ImageEnv(const JsonView& config, Problems* problems) {
  std::map<std::string, std::string> env;
  for (const std::string& entry : StringArray(config, "Env", problems)) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos) continue;
    env[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  return env;
}

bool IsProductionValue(const std::string& value) {
  std::string lower = absl::AsciiStrToLower(value);
  return lower == "production" || lower == "prod";
}

bool IsProductionEnv(const std::map<std::string, std::string>& env) {
  for (const char* name : {"ENVIRONMENT", "APP_ENV", "DJANGO_ENV", "ENV"}) {
    auto it = env.find(name);
    if (it != env.end() && IsProductionValue(it->second)) return true;
  }
  return false;
}

bool IsRootUser(const std::string& user) {
  std::string name = user.substr(0, user.find(':'));
  return name.empty() || name == "root" || name == "0";
}

// Why NAME=VALUE leaks a secret, if it does. Empty values do not. An interpolation
// (${SECRET_KEY:?...}) supplies the value at run time and leaks only what its literal words spell
// out: a ${PW:-<literal default>}, or a token in its error message.
std::optional<std::string> SecretReason(const std::string& name, const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (!IsInterpolationOnly(value)) {
    if (auto reason = SecretNameReason(name)) return reason;
  }
  return SecretValueReason(value);
}

// ----- YAML helpers (yaml-cpp) -----

std::string YamlWhere(const std::string& where, const std::string& path) {
  return absl::StrCat(where, ": ", path);
}

bool IsScalar(const YAML::Node& node) { return node && node.IsScalar(); }

std::string Scalar(const YAML::Node& node) {
  return IsScalar(node) ? node.as<std::string>() : std::string();
}

absl::StatusOr<YAML::Node> ParseYaml(const std::string& text, const std::string& where) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("malformed YAML in ", where, ": ", e.what()));
  }
}

// The obsolete `version:` value for STW011: a version number as written ("3.8"), anything
// else only described (an unterminated quote can make it swallow the rest of the file).
std::string QuotedVersion(const YAML::Node& node) {
  std::string value = Scalar(node);
  constexpr size_t kMaxVersion = 16;
  bool plausible = !value.empty() && value.size() <= kMaxVersion &&
                   std::all_of(value.begin(), value.end(),
                               [](char c) { return absl::ascii_isdigit(c) || c == '.'; });
  if (plausible) return absl::StrCat("\"", value, "\"");
  return absl::StrCat("(not a version number, ", value.size(), " characters)");
}

// Environment of a Compose service: a map, or a list of "K=V" / "K".
std::vector<std::pair<std::string, std::string>> ComposeEnvironment(const YAML::Node& service) {
  std::vector<std::pair<std::string, std::string>> env;
  YAML::Node node = service["environment"];
  if (!node) return env;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      env.emplace_back(Scalar(kv.first), Scalar(kv.second));
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      std::string entry = Scalar(item);
      size_t eq = entry.find('=');
      env.emplace_back(entry.substr(0, eq), eq == std::string::npos ? "" : entry.substr(eq + 1));
    }
  }
  return env;
}

// A bind mount of host files: short form with a host path (./src:/app, /srv:/x, ~/x:/y) or
// long form type: bind.
bool IsBindMount(const YAML::Node& volume) {
  if (IsScalar(volume)) {
    std::string spec = Scalar(volume);
    size_t colon = spec.find(':');
    if (colon == std::string::npos) return false;  // anonymous volume
    std::string source = spec.substr(0, colon);
    return absl::StartsWith(source, ".") || absl::StartsWith(source, "/") ||
           absl::StartsWith(source, "~") || absl::StartsWith(source, "$");
  }
  return volume.IsMap() && Scalar(volume["type"]) == "bind";
}

// ----- heroku.yml structure (docs/deploy.md, specs §5.1) -----

class HerokuYmlValidator {
 public:
  explicit HerokuYmlValidator(std::string where) : where_(std::move(where)) {}

  void Validate(const YAML::Node& root) {
    if (!root.IsMap()) return Problem("(root)", "must be a map of setup, build, release, run");
    std::set<std::string> processes;
    for (const auto& kv : root) {
      std::string key = Scalar(kv.first);
      if (key == "setup") {
        Setup(kv.second);
      } else if (key == "build") {
        processes = Build(kv.second);
      } else if (key == "release" || key == "run") {
        // Checked below, once build.docker's process types are known.
      } else {
        Problem(key, "unknown top-level key (want setup, build, release, run)");
      }
    }
    if (root["release"]) Release(root["release"], processes);
    if (root["run"]) Run(root["run"], processes);
  }

  std::vector<Finding> findings() const { return findings_; }

 private:
  void Problem(const std::string& path, const std::string& what) {
    findings_.push_back(MakeFinding("STW013", absl::StrCat(YamlWhere(where_, path), " ", what)));
  }

  bool ScalarMap(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap()) {
      Problem(path, "must be a map of names to strings");
      return false;
    }
    for (const auto& kv : node) {
      if (!IsScalar(kv.second)) Problem(path + "." + Scalar(kv.first), "must be a string");
    }
    return true;
  }

  bool StringList(const YAML::Node& node, const std::string& path) {
    if (!node.IsSequence() || node.size() == 0) {
      Problem(path, "must be a non-empty list of strings");
      return false;
    }
    for (const auto& item : node) {
      if (!IsScalar(item)) {
        Problem(path, "must be a list of strings");
        return false;
      }
    }
    return true;
  }

  void Setup(const YAML::Node& setup) {
    if (!setup.IsMap()) return Problem("setup", "must be a map (addons, config)");
    for (const auto& kv : setup) {
      std::string key = Scalar(kv.first);
      if (key == "addons") {
        if (!kv.second.IsSequence()) {
          Problem("setup.addons", "must be a list of {plan, as}");
          continue;
        }
        for (size_t i = 0; i < kv.second.size(); ++i) {
          std::string path = absl::StrCat("setup.addons[", i, "]");
          const YAML::Node addon = kv.second[i];
          if (!addon.IsMap()) {
            Problem(path, "must be a map with plan and optional as");
            continue;
          }
          if (!IsScalar(addon["plan"])) Problem(path + ".plan", "is required and must be a string");
          for (const auto& field : addon) {
            std::string name = Scalar(field.first);
            if (name != "plan" && name != "as")
              Problem(path + "." + name, "unknown key (want plan, as)");
            if (name == "as" && !IsScalar(field.second)) Problem(path + ".as", "must be a string");
          }
        }
      } else if (key == "config") {
        ScalarMap(kv.second, "setup.config");
      } else {
        Problem("setup." + key, "unknown key (want addons, config)");
      }
    }
  }

  std::set<std::string> Build(const YAML::Node& build) {
    std::set<std::string> processes;
    if (!build.IsMap()) {
      Problem("build", "must be a map (docker, config)");
      return processes;
    }
    for (const auto& kv : build) {
      std::string key = Scalar(kv.first);
      if (key == "docker") {
        if (ScalarMap(kv.second, "build.docker")) {
          for (const auto& p : kv.second) processes.insert(Scalar(p.first));
        }
      } else if (key == "config") {
        ScalarMap(kv.second, "build.config");
      } else {
        Problem("build." + key, "unknown key (want docker, config)");
      }
    }
    if (!build["docker"]) Problem("build.docker", "is required (process type -> Dockerfile)");
    return processes;
  }

  void Image(const YAML::Node& image, const std::string& path,
             const std::set<std::string>& processes) {
    if (!IsScalar(image)) return Problem(path, "must be a process type from build.docker");
    if (!processes.count(Scalar(image))) {
      Problem(path,
              absl::StrCat("names \"", Scalar(image), "\", which build.docker does not build"));
    }
  }

  void Release(const YAML::Node& release, const std::set<std::string>& processes) {
    if (!release.IsMap()) return Problem("release", "must be a map (command, image)");
    for (const auto& kv : release) {
      std::string key = Scalar(kv.first);
      if (key == "command") {
        StringList(kv.second, "release.command");
      } else if (key == "image") {
        Image(kv.second, "release.image", processes);
      } else {
        Problem("release." + key, "unknown key (want command, image)");
      }
    }
    if (!release["command"]) Problem("release.command", "is required");
  }

  void Run(const YAML::Node& run, const std::set<std::string>& processes) {
    if (!run.IsMap()) return Problem("run", "must be a map of process types");
    for (const auto& kv : run) {
      std::string path = "run." + Scalar(kv.first);
      if (IsScalar(kv.second)) continue;
      if (!kv.second.IsMap()) {
        Problem(path, "must be a command string or {command, image}");
        continue;
      }
      for (const auto& field : kv.second) {
        std::string name = Scalar(field.first);
        if (name == "command") {
          StringList(field.second, path + ".command");
        } else if (name == "image") {
          Image(field.second, path + ".image", processes);
        } else {
          Problem(path + "." + name, "unknown key (want command, image)");
        }
      }
      if (!kv.second["command"]) Problem(path + ".command", "is required");
    }
  }

  std::string where_;
  std::vector<Finding> findings_;
};

std::string RunCommand(const YAML::Node& process) {
  if (IsScalar(process)) return Scalar(process);
  std::vector<std::string> parts;
  if (process.IsMap() && process["command"] && process["command"].IsSequence()) {
    for (const auto& item : process["command"]) parts.push_back(Scalar(item));
  }
  return absl::StrJoin(parts, " ");
}

}  // namespace

bool IsTruthy(const std::string& value) {
  std::string lower = absl::AsciiStrToLower(value);
  return lower == "1" || lower == "true" || lower == "yes" || lower == "on";
}

std::vector<Finding> CheckImageConfig(const nlohmann::json& image_config_json,
                                      const StaticCheckOptions& options) {
  std::vector<Finding> findings;
  Problems problems;
  JsonView image_config(image_config_json, "the image config");
  JsonView config = ContainerConfig(image_config, &problems);
  std::map<std::string, std::string> env = ImageEnv(config, &problems);

  for (const auto& [name, value] : env) {
    if (auto reason = SecretReason(name, value)) {
      findings.push_back(
          MakeFinding("STW001", absl::StrCat("image Env ", name, "=<redacted>: ", *reason)));
    }
  }
  using StringMap = std::map<std::string, std::string>;
  for (const auto& [name, value] : OrAbsent(
           config.OptionalStringMap("Labels", limits::kMaxConfigEntries), StringMap(), &problems)) {
    if (auto reason = SecretReason(name, value)) {
      findings.push_back(
          MakeFinding("STW002", absl::StrCat("image label ", name, "=<redacted>: ", *reason)));
    }
  }

  const bool production = options.production || IsProductionEnv(env);
  for (const char* name : {"DEBUG", "DJANGO_DEBUG"}) {
    auto it = env.find(name);
    if (it == env.end() || !IsTruthy(it->second)) continue;
    if (production) {
      findings.push_back(MakeFinding(
          "STW004",
          absl::StrCat("image Env ", name, "=", it->second, " in a production image",
                       options.production ? " (--production)" : " (its Env says production)")));
    } else {
      findings.push_back(
          MakeFinding("STW004", Severity::kInfo,
                      absl::StrCat("image Env ", name, "=", it->second,
                                   ": fine for development, never in a production image")));
    }
  }

  std::string user = OrAbsent(config.OptionalString("User"), std::string(), &problems);
  if (IsRootUser(user)) {
    findings.push_back(MakeFinding(
        "STW005", user.empty()
                      ? std::string("image config User is empty, so the image runs as root")
                      : absl::StrCat("image config User is \"", user, "\" (root)")));
  }

  auto members = [&](const char* field) {
    absl::StatusOr<JsonView> object = config.OptionalObject(field);
    if (!object.ok()) {
      problems.push_back(std::string(object.status().message()));
      return JsonView::Members();
    }
    return OrAbsent(object->AsObject(limits::kMaxConfigEntries), JsonView::Members(), &problems);
  };
  JsonView::Members exposed = members("ExposedPorts");
  JsonView::Members volumes = members("Volumes");
  if (options.heroku) {
    if (!exposed.empty()) {
      std::vector<std::string> ports;
      for (const auto& [port, unused] : exposed) ports.push_back(port);
      findings.push_back(
          MakeFinding("STW007", absl::StrCat("image exposes ", absl::StrJoin(ports, ", "),
                                             "; Heroku routes only to $PORT")));
    }
    if (config.Has("Healthcheck")) {
      findings.push_back(
          MakeFinding("STW008", "image config has a Healthcheck; Heroku does not run it"));
    }
    if (!volumes.empty()) {
      findings.push_back(
          MakeFinding("STW010", "image config declares Volumes; Heroku ignores them"));
    }
  }
  // Without a heroku.yml, the web command is the image's own.
  std::vector<std::string> command = StringArray(config, "Entrypoint", &problems);
  for (const std::string& arg : StringArray(config, "Cmd", &problems)) command.push_back(arg);
  auto port =
      CheckPortBinding(absl::StrJoin(command, " "), false, image_config_json, options.heroku);
  findings.insert(findings.end(), port.begin(), port.end());
  ReportProblems(problems, &findings);
  return findings;
}

std::vector<Finding> CheckPortBinding(const std::string& web_command, bool command_from_heroku_yml,
                                      const nlohmann::json& image_config, bool heroku) {
  if (web_command.empty()) return {};
  if (ReferencesPort(web_command)) return {};
  JsonView config = ContainerConfig(JsonView(image_config, "the image config"), nullptr);
  if (ImageEnv(config, nullptr).count("PORT")) return {};
  Severity severity = heroku ? Severity::kError : Severity::kWarning;
  std::string source =
      command_from_heroku_yml ? "heroku.yml run.web" : "the image's Entrypoint/Cmd";
  return {MakeFinding(
      "STW006", severity,
      absl::StrCat(source, " never mentions $PORT and the image Env does not define PORT"))};
}

std::vector<Finding> CheckImageManifest(const nlohmann::json& manifest_json,
                                        const StaticCheckOptions& options) {
  std::vector<Finding> findings;
  Problems problems;
  JsonView manifest(manifest_json, "the image manifest");
  if (!manifest.is_object()) {
    OrAbsent<bool>(manifest.ExpectObject(), false, &problems);
    ReportProblems(problems, &findings);
    return findings;
  }
  if (options.heroku) {
    std::string media_type =
        OrAbsent(manifest.OptionalString("mediaType"), std::string(), &problems);
    if (media_type != "application/vnd.docker.distribution.manifest.v2+json") {
      findings.push_back(
          MakeFinding("STW009", absl::StrCat("manifest mediaType is \"", media_type, "\"")));
    }
  }
  using StringMap = std::map<std::string, std::string>;
  for (const auto& [name, value] :
       OrAbsent(manifest.OptionalStringMap("annotations", limits::kMaxConfigEntries), StringMap(),
                &problems)) {
    if (auto reason = SecretReason(name, value)) {
      findings.push_back(MakeFinding(
          "STW002", absl::StrCat("manifest annotation ", name, "=<redacted>: ", *reason)));
    }
  }
  ReportProblems(problems, &findings);
  return findings;
}

namespace {

// yaml-cpp reports type mismatches by throwing; the public functions above catch.
absl::StatusOr<std::vector<Finding>> CheckHerokuYmlOrThrow(const std::string& text,
                                                           const nlohmann::json& image_config,
                                                           const std::string& where) {
  absl::StatusOr<YAML::Node> parsed = ParseYaml(text, where);
  if (!parsed.ok())
    return std::vector<Finding>{MakeFinding("STW013", std::string(parsed.status().message()))};
  const YAML::Node& root = *parsed;
  HerokuYmlValidator validator(where);
  validator.Validate(root);
  std::vector<Finding> findings = validator.findings();
  if (!root.IsMap()) return findings;

  for (const char* section : {"setup", "build"}) {
    YAML::Node config =
        root[section] && root[section].IsMap() ? root[section]["config"] : YAML::Node();
    if (!config || !config.IsMap()) continue;
    for (const auto& kv : config) {
      std::string name = Scalar(kv.first);
      if (auto reason = SecretReason(name, Scalar(kv.second))) {
        findings.push_back(MakeFinding(
            "STW003", absl::StrCat(YamlWhere(where, absl::StrCat(section, ".config.", name)),
                                   "=<redacted>: ", *reason)));
      }
    }
  }

  std::string web_command;
  bool from_yml = false;
  if (root["run"] && root["run"].IsMap() && root["run"]["web"]) {
    web_command = RunCommand(root["run"]["web"]);
    from_yml = true;
  } else {
    // No run.web: Heroku runs the image's CMD.
    JsonView config = ContainerConfig(JsonView(image_config, "the image config"), nullptr);
    std::vector<std::string> command = StringArray(config, "Entrypoint", nullptr);
    for (const std::string& arg : StringArray(config, "Cmd", nullptr)) command.push_back(arg);
    web_command = absl::StrJoin(command, " ");
  }
  auto port = CheckPortBinding(web_command, from_yml, image_config, /*heroku=*/true);
  findings.insert(findings.end(), port.begin(), port.end());
  return findings;
}

absl::StatusOr<std::vector<Finding>> CheckComposeFileOrThrow(const std::string& text,
                                                             const std::string& where) {
  absl::StatusOr<YAML::Node> parsed = ParseYaml(text, where);
  if (!parsed.ok()) return parsed.status();
  const YAML::Node& root = *parsed;
  std::vector<Finding> findings;
  if (!root.IsMap()) {
    return absl::InvalidArgumentError(absl::StrCat(where, " is not a Compose file (not a map)"));
  }
  if (root["version"]) {
    findings.push_back(
        MakeFinding("STW011", absl::StrCat(where, ": version: ", QuotedVersion(root["version"]))));
  }
  YAML::Node services = root["services"];
  if (!services || !services.IsMap()) return findings;
  for (const auto& kv : services) {
    std::string service = Scalar(kv.first);
    if (!kv.second.IsMap()) continue;  // not a service definition; Compose itself rejects it
    auto env = ComposeEnvironment(kv.second);
    bool production = false;
    for (const auto& [name, value] : env) {
      if ((name == "ENVIRONMENT" || name == "APP_ENV" || name == "DJANGO_ENV") &&
          IsProductionValue(value)) {
        production = true;
      }
    }
    for (const auto& [name, value] : env) {
      // Compose interpolates: a secret-named value built around one (postgres://u:${PW}@db/x)
      // takes the secret at run time and is judged by its literal text only.
      const bool interpolated_secret = SecretNameReason(name) && absl::StrContains(value, "${");
      if (auto reason =
              interpolated_secret ? SecretValueReason(value) : SecretReason(name, value)) {
        findings.push_back(
            MakeFinding("STW003", absl::StrCat(where, ": services.", service, ".environment.", name,
                                               "=<redacted>: ", *reason)));
      }
      if (production && (name == "DEBUG" || name == "DJANGO_DEBUG") && IsTruthy(value)) {
        findings.push_back(
            MakeFinding("STW004", absl::StrCat(where, ": services.", service, ".environment.", name,
                                               "=", value, " with ENVIRONMENT=production")));
      }
    }
    if (production && kv.second["volumes"] && kv.second["volumes"].IsSequence()) {
      for (const auto& volume : kv.second["volumes"]) {
        if (IsBindMount(volume)) {
          findings.push_back(MakeFinding(
              "STW012", absl::StrCat(where, ": services.", service, ".volumes has a bind mount")));
        }
      }
    }
  }
  return findings;
}

}  // namespace

absl::StatusOr<std::vector<Finding>> CheckHerokuYml(const std::string& text,
                                                    const nlohmann::json& image_config,
                                                    const std::string& where) {
  try {
    return CheckHerokuYmlOrThrow(text, image_config, where);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", where, ": ", e.what()));
  }
}

absl::StatusOr<std::vector<Finding>> CheckComposeFile(const std::string& text,
                                                      const std::string& where) {
  try {
    return CheckComposeFileOrThrow(text, where);
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", where, ": ", e.what()));
  }
}

}  // namespace stowage
