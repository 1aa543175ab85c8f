#include "builder/deb/status_record.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"
#include "builder/deb/deb822.h"

namespace stowage {
namespace {

absl::StatusOr<Deb822Paragraph> OneParagraph(const DebControl& control, const std::string& where) {
  ASSIGN_OR_RETURN(std::vector<Deb822Paragraph> p,
                   ParseDeb822(control.control, absl::StrCat("control file of ", where)));
  if (p.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the control file of ", where, " should hold one paragraph"));
  }
  return p[0];
}

}  // namespace

std::string PackageIdentity::InfoName() const {
  return multi_arch == "same" ? absl::StrCat(name, ":", architecture) : name;
}

absl::StatusOr<PackageIdentity> ReadIdentity(const DebControl& control, const std::string& where) {
  ASSIGN_OR_RETURN(Deb822Paragraph p, OneParagraph(control, where));
  PackageIdentity id;
  id.name = std::string(p.Get("Package"));
  id.version = std::string(p.Get("Version"));
  id.architecture = std::string(p.Get("Architecture"));
  id.multi_arch = std::string(p.Get("Multi-Arch"));
  if (id.name.empty() || id.version.empty() || id.architecture.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the control file of ", where, " lacks Package, Version or Architecture"));
  }
  return id;
}

absl::StatusOr<std::string> DpkgStatusRecord(const DebControl& control, const std::string& where) {
  ASSIGN_OR_RETURN(Deb822Paragraph p, OneParagraph(control, where));
  std::string out;
  AppendDeb822Field("Package", p.Get("Package"), &out);
  AppendDeb822Field("Status", "install ok installed", &out);
  for (const Deb822Field& f : p.fields()) {
    if (absl::EqualsIgnoreCase(f.name, "Package") || absl::EqualsIgnoreCase(f.name, "Status") ||
        absl::EqualsIgnoreCase(f.name, "Description") ||
        absl::EqualsIgnoreCase(f.name, "Conffiles")) {
      continue;
    }
    AppendDeb822Field(f.name, f.value, &out);
  }
  // Conffiles: " <path> <md5>" for each path in the conffiles member, the md5 from md5sums.
  if (!control.conffiles.empty()) {
    std::map<std::string, std::string> md5;
    for (absl::string_view line : absl::StrSplit(control.md5sums, '\n', absl::SkipEmpty())) {
      std::vector<absl::string_view> parts =
          absl::StrSplit(line, absl::MaxSplits(' ', 1), absl::SkipEmpty());
      if (parts.size() == 2) {
        md5[absl::StrCat("/", absl::StripAsciiWhitespace(parts[1]))] = std::string(parts[0]);
      }
    }
    std::string value;
    for (absl::string_view line : absl::StrSplit(control.conffiles, '\n', absl::SkipEmpty())) {
      line = absl::StripAsciiWhitespace(line);
      // "remove-on-upgrade /etc/x" flags (dpkg >= 1.20) keep only the path.
      size_t space = line.rfind(' ');
      if (space != absl::string_view::npos) line = line.substr(space + 1);
      if (line.empty()) continue;
      auto it = md5.find(std::string(line));
      absl::StrAppend(&value, "\n ", line, " ", it == md5.end() ? "newconffile" : it->second);
    }
    if (!value.empty()) AppendDeb822Field("Conffiles", value, &out);
  }
  if (p.Has("Description")) AppendDeb822Field("Description", p.Get("Description"), &out);
  return out;
}

}  // namespace stowage
