#include "builder/deb/lockfile.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/status_macros.h"
#include "builder/deb/package_index.h"
#include "builder/deb/relation.h"
#include "builder/deb/version.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace {

using nlohmann::json;

constexpr int64_t kMaxDebSize = int64_t{4} << 30;

nlohmann::json StringArray(const std::vector<std::string>& v) {
  json out = json::array();
  for (const std::string& s : v) out.push_back(s);
  return out;
}

constexpr size_t kMaxName = 256;
constexpr size_t kMaxPackagesPerArchitecture = 100000;
constexpr size_t kMaxList = 100000;

absl::Status PlainName(const JsonView& at, const std::string& s) {
  if (s.empty() || s.size() > 64 || s.find_first_of("/ \t\n\\") != std::string::npos || s == "." ||
      s == "..") {
    return at.Error("must be a plain name");
  }
  return absl::OkStatus();
}

// The lock's inputs as the command line gave them: short printable words ("bookworm", "main",
// "amd64", "libc6" or "libc6:arm64").
absl::StatusOr<std::vector<std::string>> InputWords(const JsonView& inputs, absl::string_view key) {
  ASSIGN_OR_RETURN(std::vector<std::string> words, inputs.OptionalStringArray(key, kMaxList));
  for (const std::string& w : words) {
    bool printable = !w.empty() && w.size() <= kMaxName;
    for (char c : w) printable = printable && c > ' ' && c < 127;
    if (!printable) {
      return inputs.Error(absl::StrCat(key, " holds a value that is not a short printable word"));
    }
  }
  return words;
}

absl::StatusOr<LockedPackage> ParsePackage(const std::string& arch, const std::string& name,
                                           const JsonView& j) {
  RETURN_IF_ERROR(
      j.OnlyKeys({"architecture", "component", "depends", "essential", "filename", "multiArch",
                  "requested", "sha256", "size", "source", "suite", "version"}));
  LockedPackage p;
  p.name = name;
  if (!IsValidPackageName(name)) return j.Error("is not a Debian package name");
  ASSIGN_OR_RETURN(p.version, j.RequiredString("version", kMaxName));
  if (!ParseDebVersion(p.version).ok()) return j.Error("version is not a Debian version");
  ASSIGN_OR_RETURN(p.architecture, j.RequiredString("architecture", kMaxName));
  if (p.architecture != arch && p.architecture != "all") {
    return j.Error(absl::StrCat("architecture must be ", arch, " or all"));
  }
  ASSIGN_OR_RETURN(p.multi_arch, j.OptionalString("multiArch", "no", kMaxName));
  if (!ParseMultiArch(p.multi_arch).ok()) return j.Error("multiArch is not a Multi-Arch value");
  ASSIGN_OR_RETURN(JsonView suite, j.Required("suite"));
  ASSIGN_OR_RETURN(p.suite, suite.AsString(kMaxName));
  RETURN_IF_ERROR(PlainName(suite, p.suite));
  ASSIGN_OR_RETURN(JsonView component, j.Required("component"));
  ASSIGN_OR_RETURN(p.component, component.AsString(kMaxName));
  RETURN_IF_ERROR(PlainName(component, p.component));
  ASSIGN_OR_RETURN(p.filename, j.RequiredString("filename", 1024));
  if (!IsValidPoolPath(p.filename)) return j.Error("filename is not a plain pool path");
  ASSIGN_OR_RETURN(p.size, j.RequiredInt("size", 1, kMaxDebSize));
  ASSIGN_OR_RETURN(p.sha256, j.RequiredString("sha256", 64));
  if (!IsLowerHexSha256(p.sha256)) return j.Error("sha256 is not 64 lower-case hex digits");
  ASSIGN_OR_RETURN(p.depends, j.OptionalStringArray("depends", kMaxList));
  for (const std::string& dep : p.depends) {
    if (!IsValidPackageName(dep))
      return j.Error("depends holds a value that is not a package name");
  }
  ASSIGN_OR_RETURN(p.essential, j.OptionalBool("essential", false));
  ASSIGN_OR_RETURN(p.requested, j.OptionalBool("requested", false));
  ASSIGN_OR_RETURN(p.source, j.OptionalString("source", "", kMaxName));
  return p;
}

}  // namespace

bool LockedPackage::operator==(const LockedPackage& o) const {
  return name == o.name && version == o.version && architecture == o.architecture &&
         multi_arch == o.multi_arch && suite == o.suite && component == o.component &&
         filename == o.filename && size == o.size && sha256 == o.sha256 && depends == o.depends &&
         essential == o.essential && requested == o.requested && source == o.source;
}

std::string SerializeLockfile(const Lockfile& lock) {
  json architectures = json::object();
  for (const auto& [arch, packages] : lock.packages) {
    json section = json::object();
    for (const auto& [name, p] : packages) {
      json j = {
          {"architecture", p.architecture},
          {"component", p.component},
          {"depends", StringArray(p.depends)},
          {"filename", p.filename},
          {"multiArch", p.multi_arch},
          {"sha256", p.sha256},
          {"size", p.size},
          {"suite", p.suite},
          {"version", p.version},
      };
      if (p.essential) j["essential"] = true;
      if (p.requested) j["requested"] = true;
      if (!p.source.empty()) j["source"] = p.source;
      section[name] = std::move(j);
    }
    architectures[arch] = std::move(section);
  }
  json root = {
      {"architectures", std::move(architectures)},
      {"inputs",
       {
           {"architectures", StringArray(lock.inputs.architectures)},
           {"components", StringArray(lock.inputs.components)},
           {"includeEssential", lock.inputs.include_essential},
           {"packages", StringArray(lock.inputs.packages)},
           {"suites", StringArray(lock.inputs.suites)},
       }},
      {"lockVersion", Lockfile::kVersion},
  };
  // Every string was validated as ASCII on the way in; "replace" only keeps dump() from ever
  // throwing.
  return root.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

absl::StatusOr<Lockfile> ParseLockfile(absl::string_view text, absl::string_view where) {
  ASSIGN_OR_RETURN(json root, ParseJson(std::string(text), absl::StrCat("lockfile ", where)));
  JsonView r(root, absl::StrCat("lockfile ", where));
  RETURN_IF_ERROR(r.ExpectObject());
  RETURN_IF_ERROR(r.OnlyKeys({"architectures", "inputs", "lockVersion"}));
  ASSIGN_OR_RETURN(int64_t version, r.RequiredInt("lockVersion", 0, 1000000));
  if (version != Lockfile::kVersion) {
    return r.Error(absl::StrCat("lockVersion is ", version, "; this stowage reads version ",
                                Lockfile::kVersion));
  }
  Lockfile lock;
  ASSIGN_OR_RETURN(JsonView inputs, r.RequiredObject("inputs"));
  RETURN_IF_ERROR(
      inputs.OnlyKeys({"architectures", "components", "includeEssential", "packages", "suites"}));
  ASSIGN_OR_RETURN(lock.inputs.suites, InputWords(inputs, "suites"));
  ASSIGN_OR_RETURN(lock.inputs.components, InputWords(inputs, "components"));
  ASSIGN_OR_RETURN(lock.inputs.architectures, InputWords(inputs, "architectures"));
  ASSIGN_OR_RETURN(lock.inputs.packages, InputWords(inputs, "packages"));
  ASSIGN_OR_RETURN(lock.inputs.include_essential, inputs.OptionalBool("includeEssential", false));
  ASSIGN_OR_RETURN(JsonView architectures, r.RequiredObject("architectures"));
  ASSIGN_OR_RETURN(JsonView::Members sections, architectures.AsObject(64));
  for (const auto& [arch, section] : sections) {
    if (!IsValidArchitecture(arch) || arch == "all") {
      return section.Error("is not an architecture");
    }
    ASSIGN_OR_RETURN(JsonView::Members members, section.AsObject(kMaxPackagesPerArchitecture));
    auto& packages = lock.packages[arch];
    for (const auto& [name, j] : members) {
      RETURN_IF_ERROR(j.ExpectObject());
      ASSIGN_OR_RETURN(LockedPackage p, ParsePackage(arch, name, j));
      packages.emplace(name, std::move(p));
    }
    for (const auto& [name, p] : packages) {
      for (const std::string& dep : p.depends) {
        if (packages.count(dep) == 0) {
          return section.Error(
              absl::StrCat(name, " depends on \"", dep, "\", which is not locked"));
        }
      }
    }
  }
  return lock;
}

std::vector<std::string> DiffLockfiles(const Lockfile& before, const Lockfile& after) {
  std::vector<std::string> out;
  std::set<std::string> arches;
  for (const auto& [a, _] : before.packages) arches.insert(a);
  for (const auto& [a, _] : after.packages) arches.insert(a);
  static const std::map<std::string, LockedPackage> kEmpty;
  for (const std::string& arch : arches) {
    auto b = before.packages.find(arch);
    auto a = after.packages.find(arch);
    const auto& old_set = b == before.packages.end() ? kEmpty : b->second;
    const auto& new_set = a == after.packages.end() ? kEmpty : a->second;
    std::set<std::string> names;
    for (const auto& [n, _] : old_set) names.insert(n);
    for (const auto& [n, _] : new_set) names.insert(n);
    for (const std::string& name : names) {
      auto o = old_set.find(name);
      auto n = new_set.find(name);
      if (o == old_set.end()) {
        out.push_back(absl::StrCat(arch, ": + ", name, " ", n->second.version));
      } else if (n == new_set.end()) {
        out.push_back(absl::StrCat(arch, ": - ", name, " ", o->second.version));
      } else if (o->second.version != n->second.version) {
        auto ov = ParseDebVersion(o->second.version);
        auto nv = ParseDebVersion(n->second.version);
        bool down = ov.ok() && nv.ok() && CompareDebVersions(*nv, *ov) < 0;
        out.push_back(absl::StrCat(arch, ": ", down ? "downgraded " : "upgraded ", name, " ",
                                   o->second.version, " -> ", n->second.version));
      } else if (!(o->second == n->second)) {
        std::string what = o->second.sha256 != n->second.sha256     ? "other bytes (sha256)"
                           : o->second.depends != n->second.depends ? "other dependencies"
                                                                    : "other metadata";
        out.push_back(absl::StrCat(arch, ": ", name, " ", n->second.version, ": ", what));
      }
    }
  }
  return out;
}

}  // namespace stowage
