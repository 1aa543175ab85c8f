#include "builder/sbom/dep5.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace stowage {
namespace sbom {
namespace {

using Paragraph = std::vector<std::pair<std::string, std::string>>;  // field -> value lines

std::vector<Paragraph> Paragraphs(absl::string_view text) {
  std::vector<Paragraph> out(1);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (absl::StripAsciiWhitespace(line).empty()) {
      if (!out.back().empty()) out.emplace_back();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (out.back().empty()) continue;  // a continuation of nothing
      absl::string_view more = absl::StripAsciiWhitespace(line);
      out.back().back().second += absl::StrCat("\n", more == "." ? "" : more);
      continue;
    }
    size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    out.back().emplace_back(
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon))),
        std::string(absl::StripAsciiWhitespace(line.substr(colon + 1))));
  }
  if (out.back().empty()) out.pop_back();
  return out;
}

const std::string* Field(const Paragraph& p, absl::string_view name) {
  for (const auto& [k, v] : p) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string FirstLine(const std::string& value) {
  return std::string(absl::StripAsciiWhitespace(value.substr(0, value.find('\n'))));
}

std::string LicenseRef(absl::string_view name) {
  std::string id = "LicenseRef-";
  for (char c : name) id += absl::ascii_isalnum(c) || c == '.' || c == '-' ? c : '-';
  return id;
}

std::vector<std::string> SplitWord(absl::string_view text, absl::string_view word) {
  std::vector<std::string> parts;
  std::string lower = absl::AsciiStrToLower(text);
  std::string sep = absl::StrCat(" ", word, " ");
  size_t start = 0;
  while (true) {
    size_t at = lower.find(sep, start);
    if (at == std::string::npos) {
      parts.emplace_back(text.substr(start));
      return parts;
    }
    parts.emplace_back(text.substr(start, at - start));
    start = at + sep.size();
  }
}

}  // namespace

std::string SpdxId(absl::string_view debian_name) {
  static const auto* table = new std::map<std::string, std::string>{
      {"gpl-1", "GPL-1.0-only"},
      {"gpl-1+", "GPL-1.0-or-later"},
      {"gpl-2", "GPL-2.0-only"},
      {"gpl-2+", "GPL-2.0-or-later"},
      {"gpl-3", "GPL-3.0-only"},
      {"gpl-3+", "GPL-3.0-or-later"},
      {"lgpl-2", "LGPL-2.0-only"},
      {"lgpl-2+", "LGPL-2.0-or-later"},
      {"lgpl-2.1", "LGPL-2.1-only"},
      {"lgpl-2.1+", "LGPL-2.1-or-later"},
      {"lgpl-3", "LGPL-3.0-only"},
      {"lgpl-3+", "LGPL-3.0-or-later"},
      {"agpl-3", "AGPL-3.0-only"},
      {"agpl-3+", "AGPL-3.0-or-later"},
      {"gfdl-1.2", "GFDL-1.2-only"},
      {"gfdl-1.2+", "GFDL-1.2-or-later"},
      {"gfdl-1.3", "GFDL-1.3-only"},
      {"gfdl-1.3+", "GFDL-1.3-or-later"},
      {"apache-2.0", "Apache-2.0"},
      {"apache-2", "Apache-2.0"},
      {"expat", "MIT"},
      {"mit", "MIT"},
      {"bsd-2-clause", "BSD-2-Clause"},
      {"bsd-3-clause", "BSD-3-Clause"},
      {"bsd-4-clause", "BSD-4-Clause"},
      {"isc", "ISC"},
      {"zlib", "Zlib"},
      {"mpl-1.1", "MPL-1.1"},
      {"mpl-2.0", "MPL-2.0"},
      {"cc0-1.0", "CC0-1.0"},
      {"cc-by-3.0", "CC-BY-3.0"},
      {"cc-by-4.0", "CC-BY-4.0"},
      {"cc-by-sa-3.0", "CC-BY-SA-3.0"},
      {"cc-by-sa-4.0", "CC-BY-SA-4.0"},
      {"artistic", "Artistic-1.0-Perl"},
      {"artistic-2.0", "Artistic-2.0"},
      {"openssl", "OpenSSL"},
      {"curl", "curl"},
      {"x11", "X11"},
      {"psf-2", "PSF-2.0"},
      {"python-2.0", "Python-2.0"},
      {"bsl-1.0", "BSL-1.0"},
      {"ftl", "FTL"},
      {"unlicense", "Unlicense"},
      {"wtfpl", "WTFPL"},
      {"ofl-1.1", "OFL-1.1"},
      {"sleepycat", "Sleepycat"},
      {"ntp", "NTP"},
      {"0bsd", "0BSD"},
      {"unicode-dfs-2016", "Unicode-DFS-2016"},
      {"libpng", "Libpng"},
      {"libpng-2.0", "libpng-2.0"},
      {"bzip2-1.0.6", "bzip2-1.0.6"},
      {"icu", "ICU"},
  };
  auto it = table->find(absl::AsciiStrToLower(absl::StripAsciiWhitespace(debian_name)));
  return it == table->end() ? "" : it->second;
}

std::string SpdxExpression(absl::string_view debian, std::map<std::string, std::string>* refs) {
  std::vector<std::string> alternatives;
  std::vector<std::string> ors = SplitWord(debian, "or");
  for (const std::string& alternative : ors) {
    std::vector<std::string> terms;
    std::vector<std::string> ands = SplitWord(alternative, "and");
    for (std::string term : ands) {
      term = std::string(
          absl::StripAsciiWhitespace(absl::StripSuffix(absl::StripAsciiWhitespace(term), ",")));
      if (term.empty()) continue;
      std::string id = SpdxId(term);
      if (id.empty()) {
        id = LicenseRef(term);
        (*refs)[id] = term;
      }
      terms.push_back(id);
    }
    if (terms.empty()) continue;
    std::string joined = absl::StrJoin(terms, " AND ");
    alternatives.push_back(terms.size() > 1 && ors.size() > 1 ? absl::StrCat("(", joined, ")")
                                                              : joined);
  }
  if (alternatives.empty()) return "NOASSERTION";
  std::string expr = absl::StrJoin(alternatives, " OR ");
  return alternatives.size() > 1 ? absl::StrCat("(", expr, ")") : expr;
}

CopyrightLicenses ParseDep5(absl::string_view text) {
  CopyrightLicenses out;
  std::vector<Paragraph> paragraphs = Paragraphs(text);
  if (paragraphs.empty()) return out;
  const std::string* format = Field(paragraphs[0], "format");
  if (format == nullptr ||
      !absl::StrContains(absl::AsciiStrToLower(*format), "copyright-format/1.0")) {
    return out;
  }
  out.machine_readable = true;
  for (size_t i = 0; i < paragraphs.size(); ++i) {
    const std::string* license = Field(paragraphs[i], "license");
    if (license == nullptr) continue;
    std::string name = FirstLine(*license);
    if (name.empty()) continue;
    bool files = Field(paragraphs[i], "files") != nullptr;
    if (files || i == 0) {
      if (std::find(out.licenses.begin(), out.licenses.end(), name) == out.licenses.end()) {
        out.licenses.push_back(name);
      }
    }
    size_t nl = license->find('\n');
    if (nl != std::string::npos && (!files || out.texts.count(name) == 0)) {
      out.texts[name] = license->substr(nl + 1);
    }
  }
  return out;
}

}  // namespace sbom
}  // namespace stowage
