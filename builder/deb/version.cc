#include "builder/deb/version.h"

#include <climits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace {

// dpkg's order(): digits sort as 0 (they are compared as numbers elsewhere), letters by their
// code, '~' before everything (even the end of the string), other characters after letters.
int Order(int c) {
  if (absl::ascii_isdigit(c)) return 0;
  if (absl::ascii_isalpha(c)) return c;
  if (c == '~') return -1;
  if (c != 0) return c + 256;
  return 0;
}

// dpkg's verrevcmp(), with the end of a string read as NUL.
int VerRevCmp(absl::string_view a, absl::string_view b) {
  size_t i = 0;
  size_t j = 0;
  auto at = [](absl::string_view s, size_t k) -> int {
    return k < s.size() ? static_cast<unsigned char>(s[k]) : 0;
  };
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !absl::ascii_isdigit(at(a, i))) ||
           (j < b.size() && !absl::ascii_isdigit(at(b, j)))) {
      int ac = Order(at(a, i));
      int bc = Order(at(b, j));
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (at(a, i) == '0') ++i;
    while (at(b, j) == '0') ++j;
    while (absl::ascii_isdigit(at(a, i)) && absl::ascii_isdigit(at(b, j))) {
      if (first_diff == 0) first_diff = at(a, i) - at(b, j);
      ++i;
      ++j;
    }
    if (absl::ascii_isdigit(at(a, i))) return 1;
    if (absl::ascii_isdigit(at(b, j))) return -1;
    if (first_diff != 0) return first_diff;
  }
  return 0;
}

absl::Status Bad(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("invalid version \"", net::ServerText(text, 100), "\": ", why));
}

}  // namespace

std::string DebVersion::ToString() const {
  // Epoch 0 is left out unless the upstream part holds a colon: "0:1:2" written as "1:2"
  // would read back as epoch 1 (dpkg writes it the same way, its vdew_nonambig).
  bool epoch_needed = epoch != 0 || upstream.find(':') != std::string::npos;
  std::string out = epoch_needed ? absl::StrCat(epoch, ":", upstream) : upstream;
  if (!revision.empty()) absl::StrAppend(&out, "-", revision);
  return out;
}

absl::StatusOr<DebVersion> ParseDebVersion(absl::string_view text) {
  if (text.empty()) return Bad(text, "empty");
  if (text.size() > 256) return Bad(text.substr(0, 64), "longer than 256 characters");
  for (char c : text) {
    if (absl::ascii_isspace(c)) return Bad(text, "contains whitespace");
  }
  DebVersion v;
  absl::string_view rest = text;
  size_t colon = rest.find(':');
  if (colon != absl::string_view::npos) {
    absl::string_view epoch = rest.substr(0, colon);
    if (epoch.empty()) return Bad(text, "empty epoch");
    long value = 0;
    for (char c : epoch) {
      if (!absl::ascii_isdigit(c)) return Bad(text, "epoch is not a number");
      value = value * 10 + (c - '0');
      if (value > INT_MAX) return Bad(text, "epoch is too big");
    }
    v.epoch = value;
    rest = rest.substr(colon + 1);
  }
  size_t hyphen = rest.rfind('-');
  if (hyphen != absl::string_view::npos) {
    v.revision = std::string(rest.substr(hyphen + 1));
    if (v.revision.empty()) return Bad(text, "empty revision");
    rest = rest.substr(0, hyphen);
  }
  if (rest.empty()) return Bad(text, "empty version number");
  if (!absl::ascii_isdigit(rest[0])) return Bad(text, "version number does not start with a digit");
  for (char c : rest) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '+' && c != '~' && c != '-' && c != ':') {
      return Bad(text, "invalid character in version number");
    }
  }
  for (char c : v.revision) {
    if (!absl::ascii_isalnum(c) && c != '.' && c != '+' && c != '~') {
      return Bad(text, "invalid character in revision number");
    }
  }
  v.upstream = std::string(rest);
  return v;
}

int CompareDebVersions(const DebVersion& a, const DebVersion& b) {
  if (a.epoch != b.epoch) return a.epoch > b.epoch ? 1 : -1;
  int rc = VerRevCmp(a.upstream, b.upstream);
  if (rc != 0) return rc;
  return VerRevCmp(a.revision, b.revision);
}

absl::StatusOr<VersionOp> ParseVersionOp(absl::string_view text) {
  if (text == "<<") return VersionOp::kLess;
  if (text == "<=" || text == "<") return VersionOp::kLessEqual;
  if (text == "=") return VersionOp::kEqual;
  if (text == ">=" || text == ">") return VersionOp::kGreaterEqual;
  if (text == ">>") return VersionOp::kGreater;
  return absl::InvalidArgumentError(
      absl::StrCat("unknown version relation \"", net::ServerText(text, 20), "\""));
}

const char* VersionOpText(VersionOp op) {
  switch (op) {
    case VersionOp::kAny:
      return "";
    case VersionOp::kLess:
      return "<<";
    case VersionOp::kLessEqual:
      return "<=";
    case VersionOp::kEqual:
      return "=";
    case VersionOp::kGreaterEqual:
      return ">=";
    case VersionOp::kGreater:
      return ">>";
  }
  return "";
}

bool VersionSatisfies(const DebVersion& version, VersionOp op, const DebVersion& reference) {
  if (op == VersionOp::kAny) return true;
  int c = CompareDebVersions(version, reference);
  switch (op) {
    case VersionOp::kLess:
      return c < 0;
    case VersionOp::kLessEqual:
      return c <= 0;
    case VersionOp::kEqual:
      return c == 0;
    case VersionOp::kGreaterEqual:
      return c >= 0;
    case VersionOp::kGreater:
      return c > 0;
    case VersionOp::kAny:
      break;
  }
  return true;
}

}  // namespace stowage
