#include "builder/deb/relation.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace {

// A cursor over one relation ("name:qual (op ver) [archs] <profiles>").
class RelationScanner {
 public:
  RelationScanner(absl::string_view text, absl::string_view where) : s_(text), where_(where) {}

  absl::StatusOr<Relation> Parse() {
    Relation r;
    SkipSpace();
    r.name = std::string(TakeWhile(
        [](char c) { return absl::ascii_isalnum(c) || c == '+' || c == '-' || c == '.'; }));
    if (!IsValidPackageName(r.name)) return Error("invalid package name");
    if (Peek() == ':') {
      ++i_;
      r.arch_qualifier =
          std::string(TakeWhile([](char c) { return absl::ascii_isalnum(c) || c == '-'; }));
      if (r.arch_qualifier.empty()) return Error("empty architecture qualifier");
    }
    SkipSpace();
    if (Peek() == '(') {
      ++i_;
      SkipSpace();
      absl::string_view op = TakeWhile([](char c) { return c == '<' || c == '>' || c == '='; });
      auto parsed_op = ParseVersionOp(op);
      if (!parsed_op.ok()) return Error(parsed_op.status().message());
      r.op = *parsed_op;
      SkipSpace();
      absl::string_view version =
          TakeWhile([](char c) { return c != ')' && !absl::ascii_isspace(c); });
      auto parsed = ParseDebVersion(version);
      if (!parsed.ok()) return Error(parsed.status().message());
      r.version = *std::move(parsed);
      SkipSpace();
      if (Peek() != ')') return Error("expected \")\"");
      ++i_;
      SkipSpace();
    }
    if (Peek() == '[') {
      ++i_;
      absl::string_view list = TakeWhile([](char c) { return c != ']'; });
      if (Peek() != ']') return Error("expected \"]\"");
      ++i_;
      for (absl::string_view a : absl::StrSplit(list, ' ', absl::SkipWhitespace())) {
        r.architectures.push_back(std::string(absl::StripAsciiWhitespace(a)));
      }
      if (r.architectures.empty()) return Error("empty architecture list");
      SkipSpace();
    }
    // Build profiles ("<!nocheck>") only restrict source packages' build dependencies; a
    // binary package's fields have none, but they are skipped rather than refused.
    while (Peek() == '<') {
      absl::string_view profile = TakeWhile([](char c) { return c != '>'; });
      (void)profile;
      if (Peek() != '>') return Error("expected \">\"");
      ++i_;
      SkipSpace();
    }
    if (i_ != s_.size()) return Error("unexpected text after the relation");
    return r;
  }

 private:
  char Peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
  void SkipSpace() {
    while (i_ < s_.size() && absl::ascii_isspace(s_[i_])) ++i_;
  }
  template <typename Pred>
  absl::string_view TakeWhile(Pred pred) {
    size_t start = i_;
    while (i_ < s_.size() && pred(s_[i_])) ++i_;
    return s_.substr(start, i_ - start);
  }
  absl::Status Error(absl::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("invalid relation \"", net::ServerText(s_, 200),
                                                   "\" in ", where_, ": ", what));
  }

  absl::string_view s_;
  absl::string_view where_;
  size_t i_ = 0;
};

absl::StatusOr<Relation> ParseOne(absl::string_view text, absl::string_view where) {
  return RelationScanner(absl::StripAsciiWhitespace(text), where).Parse();
}

}  // namespace

std::string Relation::ToString() const {
  std::string out = name;
  if (!arch_qualifier.empty()) absl::StrAppend(&out, ":", arch_qualifier);
  if (op != VersionOp::kAny) {
    absl::StrAppend(&out, " (", VersionOpText(op), " ", version.ToString(), ")");
  }
  if (!architectures.empty()) absl::StrAppend(&out, " [", absl::StrJoin(architectures, " "), "]");
  return out;
}

bool Relation::AppliesTo(absl::string_view arch) const {
  if (architectures.empty()) return true;
  // A list is either all negated ("[!a !b]": every architecture but these) or all positive.
  bool negated = architectures[0].size() > 1 && architectures[0][0] == '!';
  for (const std::string& a : architectures) {
    absl::string_view name = a;
    if (!name.empty() && name[0] == '!') name.remove_prefix(1);
    if (name == arch) return !negated;
  }
  return negated;
}

bool IsValidPackageName(absl::string_view name) {
  if (name.size() < 2 || name.size() > 128) return false;
  if (!absl::ascii_islower(name[0]) && !absl::ascii_isdigit(name[0])) return false;
  for (char c : name) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '+' && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

absl::StatusOr<std::vector<RelationGroup>> ParseRelationGroups(absl::string_view text,
                                                               absl::string_view where) {
  std::vector<RelationGroup> groups;
  for (absl::string_view group_text : absl::StrSplit(text, ',')) {
    if (absl::StripAsciiWhitespace(group_text).empty()) {
      // A trailing comma is common enough (and harmless) to accept; an empty group elsewhere
      // means the field is broken.
      continue;
    }
    RelationGroup group;
    for (absl::string_view alternative : absl::StrSplit(group_text, '|')) {
      ASSIGN_OR_RETURN(Relation r, ParseOne(alternative, where));
      group.push_back(std::move(r));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

absl::StatusOr<std::vector<Relation>> ParseRelationList(absl::string_view text,
                                                        absl::string_view where) {
  std::vector<Relation> out;
  for (absl::string_view item : absl::StrSplit(text, ',')) {
    if (absl::StripAsciiWhitespace(item).empty()) continue;
    if (item.find('|') != absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("alternatives (\"|\") are not allowed in ",
                                                     where, ": \"", net::ServerText(item, 200),
                                                     "\""));
    }
    ASSIGN_OR_RETURN(Relation r, ParseOne(item, where));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace stowage
