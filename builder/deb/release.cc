#include "builder/deb/release.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"
#include "builder/deb/deb822.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace {

bool IsLowerHex64(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isdigit(c) && !(c >= 'a' && c <= 'f')) return false;
  }
  return true;
}

// An index path below dists/<suite>/: relative, no "." or ".." parts.
bool IsPlainRelativePath(absl::string_view path) {
  if (path.empty() || path.size() > 256 || path[0] == '/') return false;
  for (absl::string_view part : absl::StrSplit(path, '/')) {
    if (part.empty() || part == "." || part == "..") return false;
  }
  for (char c : path) {
    if (c <= ' ' || c >= 127) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ReleaseFile> ParseRelease(absl::string_view text, absl::string_view where) {
  ASSIGN_OR_RETURN(std::vector<Deb822Paragraph> paragraphs, ParseDeb822(text, where));
  if (paragraphs.size() != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " should hold one paragraph, found ", paragraphs.size()));
  }
  const Deb822Paragraph& p = paragraphs[0];
  ReleaseFile r;
  r.suite = std::string(p.Get("Suite"));
  r.codename = std::string(p.Get("Codename"));
  for (absl::string_view a : absl::StrSplit(p.Get("Architectures"), ' ', absl::SkipEmpty())) {
    r.architectures.push_back(std::string(a));
  }
  for (absl::string_view c : absl::StrSplit(p.Get("Components"), ' ', absl::SkipEmpty())) {
    r.components.push_back(std::string(c));
  }
  r.acquire_by_hash = p.Get("Acquire-By-Hash") == "yes";
  for (absl::string_view v :
       absl::StrSplit(p.Get("No-Support-for-Architecture-all"), ' ', absl::SkipEmpty())) {
    if (v == "Packages") r.all_in_arch_indexes = true;
  }
  for (absl::string_view line : Deb822Lines(p.Get("SHA256"))) {
    std::vector<absl::string_view> parts = absl::StrSplit(line, ' ', absl::SkipEmpty());
    ReleaseEntry e;
    if (parts.size() != 3 || !IsLowerHex64(parts[0]) || !absl::SimpleAtoi(parts[1], &e.size) ||
        e.size < 0 || !IsPlainRelativePath(parts[2])) {
      return absl::InvalidArgumentError(absl::StrCat("malformed SHA256 line in ", where, ": \"",
                                                     net::ServerText(line, 120), "\""));
    }
    e.sha256 = std::string(parts[0]);
    r.sha256[std::string(parts[2])] = e;
  }
  if (r.sha256.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(where, " has no SHA256 list"));
  }
  return r;
}

absl::StatusOr<std::string> ClearsignedText(absl::string_view inrelease) {
  constexpr absl::string_view kBegin = "-----BEGIN PGP SIGNED MESSAGE-----";
  constexpr absl::string_view kSignature = "-----BEGIN PGP SIGNATURE-----";
  std::vector<absl::string_view> lines = absl::StrSplit(inrelease, '\n');
  size_t i = 0;
  if (lines.empty() || absl::StripTrailingAsciiWhitespace(lines[0]) != kBegin) {
    return absl::InvalidArgumentError("InRelease is not a clearsigned message");
  }
  // Armor headers ("Hash: SHA256") end at the first empty line.
  for (i = 1; i < lines.size() && !absl::StripTrailingAsciiWhitespace(lines[i]).empty(); ++i) {
  }
  std::string out;
  for (++i; i < lines.size(); ++i) {
    absl::string_view line = absl::StripTrailingAsciiWhitespace(lines[i]);
    if (line == kSignature) return out;
    if (absl::StartsWith(line, "- ")) line.remove_prefix(2);
    absl::StrAppend(&out, line, "\n");
  }
  return absl::InvalidArgumentError("InRelease has no signature block");
}

}  // namespace stowage
