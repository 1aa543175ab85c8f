#include "builder/deb/resolver.h"

#include <algorithm>
#include <deque>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/common/status_macros.h"

namespace stowage {

bool ArchSatisfied(const PackageRecord& candidate, const Relation& dep,
                   const std::string& depender_arch, const std::string& native, bool conflict) {
  bool implicit = dep.arch_qualifier.empty();
  // A Multi-Arch: foreign package satisfies unqualified dependencies of every architecture.
  if (implicit && candidate.multi_arch == MultiArch::kForeign) return true;
  if (dep.arch_qualifier == "any") {
    // ":any" asks for a package that allows any architecture to use it (Multi-Arch: allowed);
    // in Conflicts and Breaks it matches every architecture.
    return candidate.multi_arch == MultiArch::kAllowed || conflict;
  }
  std::string dep_arch = implicit ? depender_arch : dep.arch_qualifier;
  if (dep_arch == "all" || dep_arch == "native") dep_arch = native;
  const std::string& pkg_arch = candidate.architecture == "all" ? native : candidate.architecture;
  return dep_arch == pkg_arch;
}

namespace {

std::string GroupText(const RelationGroup& group) {
  std::vector<std::string> parts;
  for (const Relation& r : group) parts.push_back(r.ToString());
  return absl::StrJoin(parts, " | ");
}

class Resolver {
 public:
  Resolver(const PackageUniverse& universe, const ResolveRequest& request)
      : universe_(universe), request_(request), native_(request.architecture) {}

  absl::StatusOr<Resolution> Run() {
    std::vector<std::string> roots = request_.packages;
    if (request_.include_essential) {
      for (const PackageRecord* r : universe_.Essential()) {
        if (ArchSatisfied(*r, Relation{r->name}, native_, native_, false)) {
          roots.push_back(r->name);
        }
      }
    }
    std::sort(roots.begin(), roots.end());
    roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
    for (const std::string& root : roots) RETURN_IF_ERROR(SelectRoot(root));
    while (!queue_.empty()) {
      std::string name = queue_.front();
      queue_.pop_front();
      const PackageRecord& record = *chosen_[name].record;
      for (const auto* field : {&record.pre_depends, &record.depends}) {
        for (const RelationGroup& group : *field) {
          RETURN_IF_ERROR(SatisfyGroup(group, record));
        }
      }
    }
    RETURN_IF_ERROR(CheckConflicts());
    return chosen_;
  }

 private:
  bool SatisfiedBy(const PackageRecord& s, const Relation& r, const std::string& depender_arch,
                   bool conflict) const {
    if (s.name == r.name && ArchSatisfied(s, r, depender_arch, native_, conflict) &&
        VersionSatisfies(s.version, r.op, r.version)) {
      return true;
    }
    for (const Relation& p : s.provides) {
      if (p.name != r.name || !ArchSatisfied(s, r, depender_arch, native_, conflict)) continue;
      // A versioned dependency is met only by a versioned Provides (Policy 7.5).
      if (r.op == VersionOp::kAny) return true;
      if (p.op == VersionOp::kEqual && VersionSatisfies(p.version, r.op, r.version)) return true;
    }
    return false;
  }

  // The chosen package that satisfies `r`, or "".
  std::string ChosenSatisfier(const Relation& r, const std::string& depender_arch,
                              bool conflict) const {
    auto it = chosen_.find(r.name);
    if (it != chosen_.end() && SatisfiedBy(*it->second.record, r, depender_arch, conflict)) {
      return r.name;
    }
    for (const PackageUniverse::Provider& p : universe_.Providers(r.name)) {
      auto c = chosen_.find(p.record->name);
      if (c != chosen_.end() && c->second.record == p.record &&
          SatisfiedBy(*p.record, r, depender_arch, conflict)) {
        return p.record->name;
      }
    }
    return "";
  }

  void Choose(const PackageRecord* record, const std::string& parent) {
    ResolvedPackage& p = chosen_[record->name];
    p.record = record;
    parent_[record->name] = parent;
    queue_.push_back(record->name);
  }

  // "libfoo 1.0 (needed by bar 2.0, needed by baz 3.0, requested)".
  std::string Chain(const std::string& name) const {
    std::vector<std::string> steps;
    std::string at = name;
    for (int i = 0; i < 64 && !at.empty(); ++i) {
      auto it = chosen_.find(at);
      if (it == chosen_.end()) break;
      steps.push_back(absl::StrCat(at, " ", it->second.record->version_text));
      at = parent_.at(at);
    }
    return absl::StrJoin(steps, ", needed by ") + (at.empty() ? ", requested" : ", ...");
  }

  std::string VersionList(const std::vector<const PackageRecord*>& versions) const {
    std::vector<std::string> out;
    for (const PackageRecord* v : versions) {
      out.push_back(absl::StrCat(v->version_text, " (", v->architecture, ", ", v->suite, ")"));
      if (out.size() == 6) break;
    }
    return absl::StrJoin(out, ", ");
  }

  // Tries one alternative; returns the chosen name, "" when it cannot be satisfied (with the
  // reason appended to `problems`), or an error when the choice is ambiguous.
  absl::StatusOr<std::string> TryAlternative(const Relation& r, const std::string& depender_arch,
                                             const std::string& parent,
                                             std::vector<std::string>* problems) {
    const auto& versions = universe_.Versions(r.name);
    auto chosen = chosen_.find(r.name);
    if (chosen != chosen_.end()) {
      problems->push_back(absl::StrCat(r.name, " ", chosen->second.record->version_text,
                                       " is already chosen (", Chain(r.name),
                                       ") and does not satisfy ", r.ToString()));
    } else {
      for (const PackageRecord* v : versions) {
        if (ArchSatisfied(*v, r, depender_arch, native_, false) &&
            VersionSatisfies(v->version, r.op, r.version)) {
          Choose(v, parent);
          return v->name;
        }
      }
      if (!versions.empty()) {
        problems->push_back(absl::StrCat(
            r.ToString(), " is not among the versions found: ", VersionList(versions)));
      }
    }
    // Virtual: the newest record of each provider name that provides what is asked.
    std::map<std::string, const PackageRecord*> options;
    for (const PackageUniverse::Provider& p : universe_.Providers(r.name)) {
      if (chosen_.count(p.record->name) != 0) continue;
      if (!SatisfiedBy(*p.record, r, depender_arch, false)) continue;
      auto [it, inserted] = options.emplace(p.record->name, p.record);
      if (!inserted && CompareDebVersions(p.record->version, it->second->version) > 0) {
        it->second = p.record;
      }
    }
    if (options.size() == 1) {
      Choose(options.begin()->second, parent);
      return options.begin()->first;
    }
    if (options.size() > 1) {
      std::vector<std::string> names;
      for (const auto& [name, record] : options) names.push_back(name);
      return absl::FailedPreconditionError(
          absl::StrCat(r.ToString(), " (needed by ", parent.empty() ? "the request" : Chain(parent),
                       ") is a virtual package provided by ", absl::StrJoin(names, ", "),
                       ": name the one you want in the packages to lock"));
    }
    if (versions.empty() && chosen == chosen_.end()) {
      problems->push_back(absl::StrCat("no package is named or provides ", r.ToString()));
    }
    return std::string();
  }

  absl::Status SatisfyGroup(const RelationGroup& group, const PackageRecord& depender) {
    RelationGroup applicable;
    for (const Relation& r : group) {
      if (r.AppliesTo(native_)) applicable.push_back(r);
    }
    if (applicable.empty()) return absl::OkStatus();
    for (const Relation& r : applicable) {
      std::string name = ChosenSatisfier(r, depender.architecture, false);
      if (!name.empty()) {
        AddEdge(depender.name, name);
        return absl::OkStatus();
      }
    }
    std::vector<std::string> problems;
    for (const Relation& r : applicable) {
      ASSIGN_OR_RETURN(std::string name,
                       TryAlternative(r, depender.architecture, depender.name, &problems));
      if (!name.empty()) {
        AddEdge(depender.name, name);
        return absl::OkStatus();
      }
    }
    return absl::NotFoundError(absl::StrCat("cannot satisfy \"", GroupText(group), "\" of ",
                                            Chain(depender.name), ": ",
                                            absl::StrJoin(problems, "; ")));
  }

  void AddEdge(const std::string& from, const std::string& to) {
    if (from != to) chosen_[from].depends.insert(to);
  }

  absl::Status SelectRoot(const std::string& text) {
    std::string name = text;
    std::string pinned;
    size_t eq = text.find('=');
    if (eq != std::string::npos) {
      name = text.substr(0, eq);
      pinned = text.substr(eq + 1);
    }
    if (!IsValidPackageName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("\"", text, "\" is not a package name (or name=version)"));
    }
    Relation r;
    r.name = name;
    if (!pinned.empty()) {
      auto version = ParseDebVersion(pinned);
      if (!version.ok()) return version.status();
      r.op = VersionOp::kEqual;
      r.version = *std::move(version);
    }
    auto chosen = chosen_.find(name);
    if (chosen != chosen_.end()) {
      if (!SatisfiedBy(*chosen->second.record, r, native_, false)) {
        return absl::InvalidArgumentError(
            absl::StrCat("\"", text, "\" and another request for ", name, " disagree"));
      }
      chosen->second.requested = true;
      return absl::OkStatus();
    }
    std::vector<std::string> problems;
    ASSIGN_OR_RETURN(std::string got, TryAlternative(r, native_, "", &problems));
    if (got.empty()) {
      return absl::NotFoundError(absl::StrCat("requested package ", r.ToString(), " for ", native_,
                                              ": ", absl::StrJoin(problems, "; ")));
    }
    chosen_[got].requested = true;
    return absl::OkStatus();
  }

  absl::Status CheckConflicts() const {
    for (const auto& [name, p] : chosen_) {
      const PackageRecord& record = *p.record;
      for (const auto* field : {&record.conflicts, &record.breaks}) {
        const char* verb = field == &record.conflicts ? "conflicts with" : "breaks";
        for (const Relation& r : *field) {
          if (!r.AppliesTo(native_)) continue;
          std::vector<std::string> hits;
          auto it = chosen_.find(r.name);
          if (it != chosen_.end() && it->first != name &&
              SatisfiedBy(*it->second.record, r, record.architecture, true)) {
            hits.push_back(it->first);
          }
          for (const PackageUniverse::Provider& prov : universe_.Providers(r.name)) {
            auto c = chosen_.find(prov.record->name);
            if (c != chosen_.end() && c->first != name && c->second.record == prov.record &&
                c->first != r.name && SatisfiedBy(*prov.record, r, record.architecture, true)) {
              hits.push_back(c->first);
            }
          }
          if (!hits.empty()) {
            return absl::FailedPreconditionError(absl::StrCat(
                name, " ", record.version_text, " ", verb, " ", r.ToString(), ", but ",
                absl::StrJoin(hits, ", "), " is chosen too (", Chain(hits.front()), ")"));
          }
        }
      }
    }
    return absl::OkStatus();
  }

  const PackageUniverse& universe_;
  const ResolveRequest& request_;
  const std::string native_;
  Resolution chosen_;
  std::map<std::string, std::string> parent_;  // who first needed it ("" for the request)
  std::deque<std::string> queue_;
};

}  // namespace

absl::StatusOr<Resolution> Resolve(const PackageUniverse& universe, const ResolveRequest& request) {
  if (request.architecture.empty() || request.architecture == "all") {
    return absl::InvalidArgumentError("a resolution needs a real architecture, e.g. amd64");
  }
  return Resolver(universe, request).Run();
}

}  // namespace stowage
