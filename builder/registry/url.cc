#include "builder/registry/url.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/net/url.h"

namespace stowage {
namespace registry {
namespace {

bool IsAlnumLower(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool IsValidNameComponent(absl::string_view c) {
  if (c.empty() || !IsAlnumLower(c.front()) || !IsAlnumLower(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    char ch = c[i];
    if (IsAlnumLower(ch)) continue;
    if (ch == '.') {
      if (!IsAlnumLower(c[i + 1])) return false;
    } else if (ch == '_') {
      if (c[i + 1] == '_') ++i;
      if (!IsAlnumLower(c[i + 1])) return false;
    } else if (ch == '-') {
      while (c[i + 1] == '-') ++i;
      if (!IsAlnumLower(c[i + 1])) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<RepositoryRef> ParseRepository(absl::string_view text, std::string* scheme) {
  std::string original(text);
  for (absl::string_view prefix : {"http://", "https://"}) {
    if (absl::StartsWith(text, prefix)) {
      if (scheme != nullptr) *scheme = std::string(prefix.substr(0, prefix.size() - 3));
      text.remove_prefix(prefix.size());
    }
  }
  size_t slash = text.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == text.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid repository \"", original, "\": want host[:port]/name"));
  }
  RepositoryRef ref{std::string(text.substr(0, slash)), std::string(text.substr(slash + 1))};
  // The host as libcurl will read it: no user info ("user@host"), no stray characters.
  if (!net::ParseUrl("http://" + ref.host + "/").ok()) {
    return absl::InvalidArgumentError(absl::StrCat("invalid repository \"", original, "\": \"",
                                                   ref.host, "\" is not a host[:port]"));
  }
  if (ref.name.find('@') != std::string::npos || ref.name.find(':') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid repository \"", original, "\": give tags with --tag, not in the repository"));
  }
  for (absl::string_view component : absl::StrSplit(ref.name, '/')) {
    if (!IsValidNameComponent(component)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "invalid repository name \"", ref.name,
          "\": components are lowercase letters and digits separated by '.', '_', '__' or '-'"));
    }
  }
  if (ref.host.size() + 1 + ref.name.size() > 255) {
    return absl::InvalidArgumentError("repository reference longer than 255 characters");
  }
  return ref;
}

absl::Status ValidateTag(absl::string_view tag) {
  auto ok_first = [](char c) { return absl::ascii_isalnum(c) || c == '_'; };
  bool ok = !tag.empty() && tag.size() <= 128 && ok_first(tag[0]);
  for (char c : tag) ok = ok && (absl::ascii_isalnum(c) || c == '_' || c == '.' || c == '-');
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid tag \"", tag, "\": want [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}"));
  }
  return absl::OkStatus();
}

bool IsLoopbackHost(absl::string_view host) {
  std::string authority(host);
  // A bare IPv6 literal ("::1") has no port: bracket it so that it parses as a host.
  if (authority.find('[') == std::string::npos &&
      std::count(authority.begin(), authority.end(), ':') > 1) {
    authority = "[" + authority + "]";
  }
  absl::StatusOr<net::Url> url = net::ParseUrl("http://" + authority + "/");
  return url.ok() && url->IsLoopback();
}

}  // namespace registry
}  // namespace stowage
