#include "builder/oci/reference.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace stowage {
namespace oci {
namespace {

// RE2: linear in the input and without recursion (std::regex overflowed the stack on long
// tags and names).
const RE2& RefNamePattern() {
  static const LazyRE2 re = {
      "[A-Za-z0-9]+(([-._:@+]|--)[A-Za-z0-9]+)*(/[A-Za-z0-9]+(([-._:@+]|--)[A-Za-z0-9]+)*)*"};
  return *re;
}

const RE2& PathComponentPattern() {
  static const LazyRE2 re = {"[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*"};
  return *re;
}

const RE2& DomainPattern() {
  static const LazyRE2 re = {
      "([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
      "(\\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(:[0-9]+)?"};
  return *re;
}

const RE2& TagPattern() {
  static const LazyRE2 re = {"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"};
  return *re;
}

bool Matches(absl::string_view s, const RE2& re) {
  return RE2::FullMatch(re2::StringPiece(s.data(), s.size()), re);
}

}  // namespace

absl::Status ValidateRefName(absl::string_view ref) {
  if (ref.empty() || !Matches(ref, RefNamePattern())) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid tag \"", ref,
        "\": an OCI ref.name is components of [A-Za-z0-9] joined by one of -._:@+ or --, "
        "separated by /"));
  }
  return absl::OkStatus();
}

absl::StatusOr<RepoTag> ParseRepoTag(absl::string_view reference) {
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid image reference \"", reference, "\": ", why));
  };
  if (reference.empty()) return invalid("empty");
  if (absl::StrContains(reference, '@')) return invalid("digest references cannot be tags");
  RepoTag out;
  absl::string_view name = reference;
  // The tag follows the last ':' that comes after the last '/' (a ':' before it is a port).
  size_t slash = reference.rfind('/');
  size_t colon = reference.rfind(':');
  if (colon != absl::string_view::npos && (slash == absl::string_view::npos || colon > slash)) {
    name = reference.substr(0, colon);
    out.tag = std::string(reference.substr(colon + 1));
    if (!Matches(out.tag, TagPattern())) {
      return invalid("the tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    }
  } else {
    out.tag = "latest";
  }
  std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  size_t first_path = 0;
  if (parts.size() > 1 && (absl::StrContains(parts[0], '.') || absl::StrContains(parts[0], ':') ||
                           parts[0] == "localhost")) {
    if (!Matches(parts[0], DomainPattern())) return invalid("bad registry host");
    first_path = 1;
  }
  for (size_t i = first_path; i < parts.size(); ++i) {
    if (!Matches(parts[i], PathComponentPattern())) {
      return invalid(absl::StrCat("path component \"", parts[i],
                                  "\" must be lowercase [a-z0-9] joined by ., _, __ or -"));
    }
  }
  if (name.size() > 255) return invalid("the name is longer than 255 characters");
  out.repository = std::string(name);
  return out;
}

}  // namespace oci
}  // namespace stowage
