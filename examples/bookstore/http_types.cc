#include "examples/bookstore/http_types.h"

#include "absl/strings/match.h"

namespace bookstore {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

absl::optional<absl::string_view> HeaderList::Get(absl::string_view name) const {
  for (const auto& [key, value] : headers_) {
    if (absl::EqualsIgnoreCase(key, name)) return absl::string_view(value);
  }
  return absl::nullopt;
}

absl::optional<absl::string_view> Response::Find(absl::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (absl::EqualsIgnoreCase(key, name)) return absl::string_view(value);
  }
  return absl::nullopt;
}

bool ParseRequestTarget(absl::string_view target, std::string* path, std::string* raw_path,
                        std::string* query) {
  if (target.empty() || target[0] != '/') return false;
  size_t q = target.find('?');
  absl::string_view raw = target.substr(0, q);
  *query = q == absl::string_view::npos ? "" : std::string(target.substr(q + 1));
  // A fragment is never sent by clients; drop one defensively.
  size_t hash = query->find('#');
  if (hash != std::string::npos) query->resize(hash);
  raw_path->assign(raw.data(), raw.size());
  path->clear();
  path->reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      if (i + 2 >= raw.size()) return false;
      int hi = HexValue(raw[i + 1]);
      int lo = HexValue(raw[i + 2]);
      if (hi < 0 || lo < 0) return false;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    if (c == '\0') return false;
    path->push_back(c);
  }
  return true;
}

}  // namespace bookstore
