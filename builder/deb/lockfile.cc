#include "builder/deb/lockfile.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
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

// Typed reads from hostile JSON: a wrong type is an error value, never an exception.
class Reader {
 public:
  explicit Reader(std::string where) : where_(std::move(where)) {}

  absl::Status Error(const std::string& at, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(where_, ": ", at, ": ", what));
  }
  absl::StatusOr<const json*> Object(const json& parent, const char* key,
                                     const std::string& at) const {
    auto it = parent.find(key);
    if (it == parent.end() || !it->is_object())
      return Error(at, absl::StrCat(key, " must be an object"));
    return &*it;
  }
  absl::StatusOr<std::string> String(const json& parent, const char* key, const std::string& at,
                                     bool required = true) const {
    auto it = parent.find(key);
    if (it == parent.end()) {
      if (!required) return std::string();
      return Error(at, absl::StrCat(key, " is missing"));
    }
    if (!it->is_string()) return Error(at, absl::StrCat(key, " must be a string"));
    return it->get<std::string>();
  }
  absl::StatusOr<int64_t> Integer(const json& parent, const char* key,
                                  const std::string& at) const {
    auto it = parent.find(key);
    if (it == parent.end() || !it->is_number_integer()) {
      return Error(at, absl::StrCat(key, " must be an integer"));
    }
    return it->get<int64_t>();
  }
  absl::StatusOr<bool> Bool(const json& parent, const char* key, const std::string& at) const {
    auto it = parent.find(key);
    if (it == parent.end()) return false;
    if (!it->is_boolean()) return Error(at, absl::StrCat(key, " must be true or false"));
    return it->get<bool>();
  }
  absl::StatusOr<std::vector<std::string>> Strings(const json& parent, const char* key,
                                                   const std::string& at) const {
    auto it = parent.find(key);
    std::vector<std::string> out;
    if (it == parent.end()) return out;
    if (!it->is_array()) return Error(at, absl::StrCat(key, " must be a list of strings"));
    for (const json& v : *it) {
      if (!v.is_string()) return Error(at, absl::StrCat(key, " must be a list of strings"));
      out.push_back(v.get<std::string>());
    }
    return out;
  }

 private:
  std::string where_;
};

absl::StatusOr<LockedPackage> ParsePackage(const Reader& r, const std::string& arch,
                                           const std::string& name, const json& j) {
  std::string at = absl::StrCat("architectures.", arch, ".", name);
  if (!j.is_object()) return r.Error(at, "must be an object");
  LockedPackage p;
  p.name = name;
  if (!IsValidPackageName(name)) return r.Error(at, "not a Debian package name");
  ASSIGN_OR_RETURN(p.version, r.String(j, "version", at));
  if (!ParseDebVersion(p.version).ok()) return r.Error(at, "version is not a Debian version");
  ASSIGN_OR_RETURN(p.architecture, r.String(j, "architecture", at));
  if (p.architecture != arch && p.architecture != "all") {
    return r.Error(at, absl::StrCat("architecture must be ", arch, " or all"));
  }
  ASSIGN_OR_RETURN(p.multi_arch, r.String(j, "multiArch", at, false));
  if (p.multi_arch.empty()) p.multi_arch = "no";
  if (!ParseMultiArch(p.multi_arch).ok()) return r.Error(at, "multiArch is not a Multi-Arch value");
  ASSIGN_OR_RETURN(p.suite, r.String(j, "suite", at));
  ASSIGN_OR_RETURN(p.component, r.String(j, "component", at));
  for (const std::string* s : {&p.suite, &p.component}) {
    if (s->empty() || s->size() > 64 || s->find_first_of("/ \t\n\\") != std::string::npos ||
        *s == "." || *s == "..") {
      return r.Error(at, "suite and component must be plain names");
    }
  }
  ASSIGN_OR_RETURN(p.filename, r.String(j, "filename", at));
  if (!IsValidPoolPath(p.filename)) return r.Error(at, "filename is not a plain pool path");
  ASSIGN_OR_RETURN(p.size, r.Integer(j, "size", at));
  if (p.size <= 0 || p.size > kMaxDebSize) return r.Error(at, "size is out of range");
  ASSIGN_OR_RETURN(p.sha256, r.String(j, "sha256", at));
  if (!IsLowerHexSha256(p.sha256)) return r.Error(at, "sha256 is not 64 lower-case hex digits");
  ASSIGN_OR_RETURN(p.depends, r.Strings(j, "depends", at));
  ASSIGN_OR_RETURN(p.essential, r.Bool(j, "essential", at));
  ASSIGN_OR_RETURN(p.requested, r.Bool(j, "requested", at));
  ASSIGN_OR_RETURN(p.source, r.String(j, "source", at, false));
  for (const auto& [key, value] : j.items()) {
    static const std::set<std::string> kKnown = {
        "architecture", "component", "depends", "essential", "filename", "multiArch",
        "requested",    "sha256",    "size",    "source",    "suite",    "version"};
    if (kKnown.count(key) == 0) return r.Error(at, absl::StrCat("unknown field \"", key, "\""));
  }
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
  json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError(absl::StrCat("malformed JSON in lockfile ", where));
  }
  Reader r{std::string(where)};
  ASSIGN_OR_RETURN(int64_t version, r.Integer(root, "lockVersion", "top level"));
  if (version != Lockfile::kVersion) {
    return r.Error("lockVersion", absl::StrCat("is ", version, "; this stowage reads version ",
                                               Lockfile::kVersion));
  }
  Lockfile lock;
  ASSIGN_OR_RETURN(const json* inputs, r.Object(root, "inputs", "top level"));
  ASSIGN_OR_RETURN(lock.inputs.suites, r.Strings(*inputs, "suites", "inputs"));
  ASSIGN_OR_RETURN(lock.inputs.components, r.Strings(*inputs, "components", "inputs"));
  ASSIGN_OR_RETURN(lock.inputs.architectures, r.Strings(*inputs, "architectures", "inputs"));
  ASSIGN_OR_RETURN(lock.inputs.packages, r.Strings(*inputs, "packages", "inputs"));
  ASSIGN_OR_RETURN(lock.inputs.include_essential, r.Bool(*inputs, "includeEssential", "inputs"));
  ASSIGN_OR_RETURN(const json* architectures, r.Object(root, "architectures", "top level"));
  for (const auto& [arch, section] : architectures->items()) {
    if (!IsValidArchitecture(arch) || arch == "all") {
      return r.Error("architectures", absl::StrCat("\"", arch, "\" is not an architecture"));
    }
    if (!section.is_object())
      return r.Error(absl::StrCat("architectures.", arch), "must be an object");
    auto& packages = lock.packages[arch];
    for (const auto& [name, j] : section.items()) {
      ASSIGN_OR_RETURN(LockedPackage p, ParsePackage(r, arch, name, j));
      packages.emplace(name, std::move(p));
    }
    for (const auto& [name, p] : packages) {
      for (const std::string& dep : p.depends) {
        if (packages.count(dep) == 0) {
          return r.Error(absl::StrCat("architectures.", arch, ".", name),
                         absl::StrCat("depends on \"", dep, "\", which is not locked"));
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
