#include "builder/deb/package_index.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace {

constexpr int64_t kMaxDebSize = int64_t{4} << 30;

absl::Status FieldError(absl::string_view where, absl::string_view package,
                        absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("package \"", package, "\" in ", where, ": ", what));
}

}  // namespace

bool IsLowerHexSha256(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

bool IsValidArchitecture(absl::string_view arch) {
  if (arch.empty() || arch.size() > 32) return false;
  for (char c : arch) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '-') return false;
  }
  return true;
}

bool IsValidPoolPath(absl::string_view path) {
  if (path.empty() || path.size() > 512 || path[0] == '/') return false;
  if (!absl::EndsWith(path, ".deb")) return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      if (!absl::ascii_isalnum(c) && c != '.' && c != '+' && c != '-' && c != '_' && c != '~' &&
          c != '%' && c != ':') {
        return false;
      }
    }
  }
  return true;
}

absl::StatusOr<MultiArch> ParseMultiArch(absl::string_view text) {
  if (text.empty() || text == "no") return MultiArch::kNo;
  if (text == "same") return MultiArch::kSame;
  if (text == "foreign") return MultiArch::kForeign;
  if (text == "allowed") return MultiArch::kAllowed;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown Multi-Arch value \"", net::ServerText(text, 40), "\""));
}

const char* MultiArchName(MultiArch m) {
  switch (m) {
    case MultiArch::kNo:
      return "no";
    case MultiArch::kSame:
      return "same";
    case MultiArch::kForeign:
      return "foreign";
    case MultiArch::kAllowed:
      return "allowed";
  }
  return "no";
}

absl::StatusOr<PackageRecord> ParsePackageRecord(const Deb822Paragraph& p,
                                                 absl::string_view where) {
  PackageRecord r;
  r.name = std::string(p.Get("Package"));
  if (!IsValidPackageName(r.name)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid or missing Package name \"",
                                                   net::ServerText(r.name, 64), "\" in ", where,
                                                   " (line ", p.line(), ")"));
  }
  auto version = ParseDebVersion(p.Get("Version"));
  if (!version.ok()) return FieldError(where, r.name, version.status().message());
  r.version = *std::move(version);
  r.version_text = std::string(p.Get("Version"));
  r.architecture = std::string(p.Get("Architecture"));
  if (!IsValidArchitecture(r.architecture)) {
    return FieldError(where, r.name, "invalid or missing Architecture");
  }
  auto multi_arch = ParseMultiArch(p.Get("Multi-Arch"));
  if (!multi_arch.ok()) return FieldError(where, r.name, multi_arch.status().message());
  r.multi_arch = *multi_arch;
  r.essential = p.Get("Essential") == "yes";
  r.priority = std::string(p.Get("Priority"));
  // "Source: glibc (2.36-9)" names the source and, when it differs, its version.
  std::string source(p.Get("Source"));
  r.source = source.substr(0, source.find(' '));

  std::string where_field = absl::StrCat("package \"", r.name, "\" in ", where);
  ASSIGN_OR_RETURN(r.depends, ParseRelationGroups(FoldDeb822Value(p.Get("Depends")),
                                                  absl::StrCat("Depends of ", where_field)));
  ASSIGN_OR_RETURN(r.pre_depends,
                   ParseRelationGroups(FoldDeb822Value(p.Get("Pre-Depends")),
                                       absl::StrCat("Pre-Depends of ", where_field)));
  ASSIGN_OR_RETURN(r.provides, ParseRelationList(FoldDeb822Value(p.Get("Provides")),
                                                 absl::StrCat("Provides of ", where_field)));
  for (const Relation& provided : r.provides) {
    if (provided.op != VersionOp::kAny && provided.op != VersionOp::kEqual) {
      return FieldError(where, r.name, "a Provides version must use \"=\"");
    }
  }
  ASSIGN_OR_RETURN(r.conflicts, ParseRelationList(FoldDeb822Value(p.Get("Conflicts")),
                                                  absl::StrCat("Conflicts of ", where_field)));
  ASSIGN_OR_RETURN(r.breaks, ParseRelationList(FoldDeb822Value(p.Get("Breaks")),
                                               absl::StrCat("Breaks of ", where_field)));

  r.filename = std::string(p.Get("Filename"));
  if (!IsValidPoolPath(r.filename)) {
    return FieldError(where, r.name, "Filename is missing or not a plain relative .deb path");
  }
  if (!absl::SimpleAtoi(p.Get("Size"), &r.size) || r.size <= 0 || r.size > kMaxDebSize) {
    return FieldError(where, r.name, "Size is missing or not a number below 4 GiB");
  }
  r.sha256 = std::string(p.Get("SHA256"));
  if (!IsLowerHexSha256(r.sha256)) {
    return FieldError(where, r.name, "SHA256 is missing or not 64 lower-case hex digits");
  }
  return r;
}

bool PackageUniverse::NewestFirst::operator()(const DebVersion* a, const DebVersion* b) const {
  return CompareDebVersions(*a, *b) > 0;
}

void PackageUniverse::Add(PackageRecord record) {
  Named& named = by_name_[record.name];
  // Equal versions sit together: only those (one per architecture at most) are compared.
  auto [first, last] = named.ordered.equal_range(&record.version);
  for (auto it = first; it != last; ++it) {
    if (it->second->architecture == record.architecture) return;
  }
  records_.push_back(std::make_unique<PackageRecord>(std::move(record)));
  const PackageRecord* r = records_.back().get();
  // Before `last`: after the equal versions already there, so the first suite added stays first.
  named.ordered.emplace_hint(last, &r->version, r);
  named.stale = true;
  for (const Relation& provided : r->provides) {
    providers_[provided.name].push_back(Provider{r, &provided});
  }
}

absl::Status PackageUniverse::AddIndex(absl::string_view text, absl::string_view architecture,
                                       absl::string_view suite, absl::string_view component,
                                       absl::string_view where) {
  return ForEachDeb822Paragraph(text, where, Deb822Options(), [&](const Deb822Paragraph& p) {
    absl::string_view arch = p.Get("Architecture");
    if (arch != architecture && arch != "all") return absl::OkStatus();
    ASSIGN_OR_RETURN(PackageRecord record, ParsePackageRecord(p, where));
    record.suite = std::string(suite);
    record.component = std::string(component);
    Add(std::move(record));
    return absl::OkStatus();
  });
}

const std::vector<const PackageRecord*>& PackageUniverse::Versions(absl::string_view name) const {
  static const std::vector<const PackageRecord*> kNone;
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return kNone;
  const Named& named = it->second;
  if (named.stale) {
    named.listed.clear();
    for (const auto& [version, record] : named.ordered) named.listed.push_back(record);
    named.stale = false;
  }
  return named.listed;
}

const std::vector<PackageUniverse::Provider>& PackageUniverse::Providers(
    absl::string_view name) const {
  static const std::vector<Provider> kNone;
  auto it = providers_.find(name);
  return it == providers_.end() ? kNone : it->second;
}

std::vector<const PackageRecord*> PackageUniverse::Essential() const {
  std::vector<const PackageRecord*> out;
  for (const auto& [name, named] : by_name_) {
    if (!named.ordered.empty() && named.ordered.begin()->second->essential) {
      out.push_back(named.ordered.begin()->second);
    }
  }
  return out;
}

}  // namespace stowage
