#include "builder/deb/apt_sources.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/deb/deb822.h"

namespace stowage {
namespace {

// apt's configuration files are small; anything bigger is not one.
constexpr size_t kMaxSourcesFile = 1 << 20;

std::vector<std::string> Words(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view w : absl::StrSplit(text, absl::ByAnyChar(" \t\n"), absl::SkipEmpty())) {
    out.push_back(std::string(w));
  }
  return out;
}

std::string WithoutTrailingSlash(std::string uri) {
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  return uri;
}

bool IsSupportedUri(absl::string_view uri) {
  return absl::StartsWith(uri, "http://") || absl::StartsWith(uri, "https://") ||
         absl::StartsWith(uri, "file:/");
}

absl::StatusOr<std::string> ReadSmallFile(const std::string& path, bool* exists) {
  struct stat st;
  *exists = stat(path.c_str(), &st) == 0;
  if (!*exists) return std::string();
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError(path + " is not a regular file");
  if (static_cast<size_t>(st.st_size) > kMaxSourcesFile) {
    return absl::InvalidArgumentError(path + " is larger than 1 MiB; not an apt sources file");
  }
  return ReadFile(path);
}

}  // namespace

absl::StatusOr<std::vector<AptSource>> ParseOneLineSources(absl::string_view text,
                                                           absl::string_view where) {
  std::vector<AptSource> out;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    size_t hash = line.find('#');
    if (hash != absl::string_view::npos) line = line.substr(0, hash);
    line = absl::StripAsciiWhitespace(line);
    if (line.empty()) continue;
    std::string at = absl::StrCat(where, ":", line_number);
    AptSource s;
    s.where = at;
    absl::string_view rest = line;
    size_t space = rest.find_first_of(" \t");
    absl::string_view type = rest.substr(0, space);
    if (type != "deb" && type != "deb-src") {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown source type \"", type, "\" (", at, ")"));
    }
    rest = space == absl::string_view::npos ? ""
                                            : absl::StripLeadingAsciiWhitespace(rest.substr(space));
    if (absl::StartsWith(rest, "[")) {
      size_t close = rest.find(']');
      if (close == absl::string_view::npos) {
        return absl::InvalidArgumentError(absl::StrCat("unclosed \"[\" (", at, ")"));
      }
      for (const std::string& option : Words(rest.substr(1, close - 1))) {
        size_t eq = option.find('=');
        if (eq == std::string::npos) continue;
        std::string key = option.substr(0, eq);
        std::string value = option.substr(eq + 1);
        if (key == "arch") {
          for (absl::string_view a : absl::StrSplit(value, ',', absl::SkipEmpty())) {
            s.architectures.push_back(std::string(a));
          }
        } else if (key == "signed-by") {
          s.signed_by = value;
        }
      }
      rest = absl::StripLeadingAsciiWhitespace(rest.substr(close + 1));
    }
    std::vector<std::string> words = Words(rest);
    if (words.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("expected \"", type, " URI SUITE [COMPONENT...]\" (", at, ")"));
    }
    if (type == "deb-src") continue;
    s.uris.push_back(WithoutTrailingSlash(words[0]));
    s.suites.push_back(words[1]);
    s.components.assign(words.begin() + 2, words.end());
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<AptSource>> ParseDeb822Sources(absl::string_view text,
                                                          absl::string_view where) {
  std::string cleaned = StripDeb822Comments(text);
  Deb822Options options;
  options.allow_comments = true;
  ASSIGN_OR_RETURN(std::vector<Deb822Paragraph> paragraphs, ParseDeb822(cleaned, where, options));
  std::vector<AptSource> out;
  int index = 0;
  for (const Deb822Paragraph& p : paragraphs) {
    ++index;
    std::vector<std::string> types = Words(p.Get("Types"));
    if (std::find(types.begin(), types.end(), "deb") == types.end()) continue;
    if (absl::AsciiStrToLower(p.Get("Enabled")) == "no") continue;
    AptSource s;
    s.where = absl::StrCat(where, " paragraph ", index);
    for (std::string& uri : Words(p.Get("URIs"))) s.uris.push_back(WithoutTrailingSlash(uri));
    s.suites = Words(p.Get("Suites"));
    s.components = Words(p.Get("Components"));
    s.architectures = Words(p.Get("Architectures"));
    s.signed_by = std::string(absl::StripAsciiWhitespace(p.Get("Signed-By")));
    if (s.uris.empty() || s.suites.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("a deb source needs URIs and Suites (", s.where, ")"));
    }
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<AptSource>> ReadAptSources(const std::string& etc_apt) {
  std::vector<AptSource> out;
  bool exists = false;
  std::string list = etc_apt + "/sources.list";
  ASSIGN_OR_RETURN(std::string text, ReadSmallFile(list, &exists));
  if (exists) {
    ASSIGN_OR_RETURN(std::vector<AptSource> sources, ParseOneLineSources(text, list));
    out.insert(out.end(), sources.begin(), sources.end());
  }
  std::string dir = etc_apt + "/sources.list.d";
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (absl::EndsWith(name, ".list") || absl::EndsWith(name, ".sources")) names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    ASSIGN_OR_RETURN(std::string content, ReadSmallFile(path, &exists));
    if (!exists) continue;
    auto sources = absl::EndsWith(name, ".list") ? ParseOneLineSources(content, path)
                                                 : ParseDeb822Sources(content, path);
    if (!sources.ok()) return sources.status();
    out.insert(out.end(), sources->begin(), sources->end());
  }
  return out;
}

std::vector<std::string> SplitMirrorList(absl::string_view text) {
  std::vector<std::string> out;
  for (absl::string_view t : absl::StrSplit(text, absl::ByAnyChar(" ,\t\n"), absl::SkipEmpty())) {
    out.push_back(std::string(t));
  }
  return out;
}

absl::StatusOr<MirrorOverrides> ParseMirrorOverrides(const std::vector<std::string>& tokens) {
  MirrorOverrides m;
  for (const std::string& token : tokens) {
    std::string suite;
    std::string uri = token;
    size_t eq = token.find('=');
    size_t scheme = token.find("://");
    if (eq != std::string::npos && (scheme == std::string::npos || eq < scheme)) {
      suite = token.substr(0, eq);
      uri = token.substr(eq + 1);
    }
    if (!IsSupportedUri(uri)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "mirror \"", token, "\" is not an http://, https:// or file:/ URL (or SUITE=URL)"));
    }
    uri = WithoutTrailingSlash(uri);
    if (suite.empty()) {
      m.any.push_back(uri);
    } else {
      m.by_suite[suite].push_back(uri);
    }
  }
  return m;
}

std::vector<ArchiveRoot> ArchiveRootsFor(const std::string& suite, const MirrorOverrides& overrides,
                                         const std::vector<AptSource>& sources) {
  std::vector<ArchiveRoot> out;
  auto add = [&out](const std::string& uri, const std::string& signed_by,
                    const std::string& where) {
    for (const ArchiveRoot& r : out) {
      if (r.uri == uri) return;
    }
    out.push_back(ArchiveRoot{uri, signed_by, where});
  };
  auto it = overrides.by_suite.find(suite);
  if (it != overrides.by_suite.end()) {
    for (const std::string& uri : it->second) add(uri, "", "--mirror/STOWAGE_DEB_MIRRORS");
    return out;
  }
  if (!overrides.any.empty()) {
    for (const std::string& uri : overrides.any) add(uri, "", "--mirror/STOWAGE_DEB_MIRRORS");
    return out;
  }
  for (const AptSource& s : sources) {
    if (std::find(s.suites.begin(), s.suites.end(), suite) == s.suites.end()) continue;
    for (const std::string& uri : s.uris) {
      if (IsSupportedUri(uri)) add(uri, s.signed_by, s.where);
    }
  }
  return out;
}

}  // namespace stowage
