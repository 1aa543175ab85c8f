#include "examples/bookstore/accept_encoding.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace bookstore {
namespace {

// q-values as listed in the header; -1 means "not mentioned".
struct Preferences {
  double brotli = -1;
  double gzip = -1;
  double identity = -1;
  double star = -1;
};

// Parses "q=0.5" style weights; a malformed weight makes the whole entry ignored.
bool ParseWeight(absl::string_view params, double* q) {
  *q = 1.0;
  for (absl::string_view param : absl::StrSplit(params, ';', absl::SkipWhitespace())) {
    param = absl::StripAsciiWhitespace(param);
    size_t eq = param.find('=');
    if (eq == absl::string_view::npos) continue;
    absl::string_view name = absl::StripAsciiWhitespace(param.substr(0, eq));
    if (!absl::EqualsIgnoreCase(name, "q")) continue;
    absl::string_view value = absl::StripAsciiWhitespace(param.substr(eq + 1));
    double parsed;
    if (!absl::SimpleAtod(value, &parsed) || parsed < 0 || parsed > 1) return false;
    *q = parsed;
  }
  return true;
}

Preferences Parse(absl::string_view header) {
  Preferences prefs;
  for (absl::string_view item : absl::StrSplit(header, ',', absl::SkipWhitespace())) {
    item = absl::StripAsciiWhitespace(item);
    size_t semi = item.find(';');
    absl::string_view token = absl::StripAsciiWhitespace(item.substr(0, semi));
    double q;
    if (!ParseWeight(semi == absl::string_view::npos ? "" : item.substr(semi + 1), &q)) continue;
    double* slot = nullptr;
    if (absl::EqualsIgnoreCase(token, "br")) {
      slot = &prefs.brotli;
    } else if (absl::EqualsIgnoreCase(token, "gzip") || absl::EqualsIgnoreCase(token, "x-gzip")) {
      slot = &prefs.gzip;
    } else if (absl::EqualsIgnoreCase(token, "identity")) {
      slot = &prefs.identity;
    } else if (token == "*") {
      slot = &prefs.star;
    }
    // A repeated coding keeps its highest weight.
    if (slot != nullptr && q > *slot) *slot = q;
  }
  return prefs;
}

}  // namespace

Coding ChooseCoding(absl::optional<absl::string_view> accept_encoding, AvailableCodings available) {
  if (!accept_encoding.has_value()) return Coding::kIdentity;
  Preferences prefs = Parse(*accept_encoding);
  auto weight = [&prefs](double listed) { return listed >= 0 ? listed : prefs.star; };
  Coding best = Coding::kIdentity;
  double best_q = 0;
  if (available.brotli && weight(prefs.brotli) > best_q) {
    best = Coding::kBrotli;
    best_q = weight(prefs.brotli);
  }
  if (available.gzip && weight(prefs.gzip) > best_q) {
    best = Coding::kGzip;
    best_q = weight(prefs.gzip);
  }
  if (best != Coding::kIdentity && prefs.identity > best_q) return Coding::kIdentity;
  return best;
}

absl::string_view CodingToken(Coding coding) {
  switch (coding) {
    case Coding::kBrotli:
      return "br";
    case Coding::kGzip:
      return "gzip";
    case Coding::kIdentity:
      break;
  }
  return "";
}

}  // namespace bookstore
