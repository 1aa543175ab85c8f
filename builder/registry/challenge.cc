#include "builder/registry/challenge.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace stowage {
namespace registry {
namespace {

bool IsTokenChar(char c) {
  return absl::ascii_isalnum(c) || std::string("!#$%&'*+-.^_`|~/=:").find(c) != std::string::npos;
}

class Scanner {
 public:
  explicit Scanner(absl::string_view s) : s_(s) {}
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return AtEnd() ? '\0' : s_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  void SkipSpaceAndCommas() {
    while (!AtEnd() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == ',')) ++pos_;
  }
  // A run of token characters, excluding '=' (so "key=value" splits).
  std::string Token(bool allow_equals) {
    size_t start = pos_;
    while (!AtEnd() && IsTokenChar(s_[pos_]) && (allow_equals || s_[pos_] != '=')) ++pos_;
    return std::string(s_.substr(start, pos_ - start));
  }
  std::string Quoted() {
    std::string out;
    ++pos_;  // opening quote
    while (!AtEnd() && s_[pos_] != '"') {
      if (s_[pos_] == '\\' && pos_ + 1 < s_.size()) ++pos_;
      out.push_back(s_[pos_++]);
    }
    if (!AtEnd()) ++pos_;  // closing quote
    return out;
  }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }

 private:
  absl::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

std::vector<Challenge> ParseChallenges(absl::string_view header) {
  std::vector<Challenge> out;
  Scanner sc(header);
  while (true) {
    sc.SkipSpaceAndCommas();
    if (sc.AtEnd()) break;
    std::string scheme = sc.Token(false);
    if (scheme.empty()) {
      sc.set_pos(sc.pos() + 1);  // skip a stray character
      continue;
    }
    Challenge challenge{absl::AsciiStrToLower(scheme), {}};
    // auth-params: key=value or key="quoted", separated by commas. A token followed by a space
    // and then another token without '=' starts the next challenge.
    while (true) {
      sc.SkipSpaceAndCommas();
      if (sc.AtEnd()) break;
      size_t mark = sc.pos();
      std::string key = sc.Token(false);
      sc.SkipSpace();
      if (key.empty() || sc.Peek() != '=') {
        sc.set_pos(mark);  // a new scheme (or token68, which registries do not use)
        break;
      }
      sc.set_pos(sc.pos() + 1);
      sc.SkipSpace();
      std::string value = sc.Peek() == '"' ? sc.Quoted() : sc.Token(true);
      challenge.params[absl::AsciiStrToLower(key)] = value;
    }
    out.push_back(std::move(challenge));
  }
  return out;
}

std::string RepositoryScope(absl::string_view name, const std::vector<std::string>& actions) {
  return absl::StrCat("repository:", name, ":", absl::StrJoin(actions, ","));
}

std::vector<std::string> PushScopes(absl::string_view name,
                                    const std::vector<std::string>& mount_sources) {
  std::set<std::string> scopes{RepositoryScope(name, {"pull", "push"})};
  for (const std::string& source : mount_sources) {
    if (source != name) scopes.insert(RepositoryScope(source, {"pull"}));
  }
  return {scopes.begin(), scopes.end()};
}

}  // namespace registry
}  // namespace stowage
