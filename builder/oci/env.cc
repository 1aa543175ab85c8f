#include "builder/oci/env.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace oci {
namespace {

bool IsNameChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Positions of each key in an EnvList: lookups and updates stay O(1), so a base config with
// thousands of Env entries (capped at limits::kMaxConfigEntries) costs linear time, not n^2.
using EnvIndex = absl::flat_hash_map<std::string, size_t>;

EnvIndex IndexOf(const EnvList& vars) {
  EnvIndex index;
  for (size_t i = 0; i < vars.size(); ++i) index.emplace(vars[i].first, i);
  return index;
}

// Sets `key` in `vars`: an existing key keeps its position (as in a Dockerfile).
void Set(EnvList& vars, EnvIndex& index, const std::string& key, std::string value) {
  auto [it, inserted] = index.emplace(key, vars.size());
  if (inserted) {
    vars.emplace_back(key, std::move(value));
  } else {
    vars[it->second].second = std::move(value);
  }
}

}  // namespace

absl::Status ValidateEnvKey(absl::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("environment variable without a name");
  for (char c : key) {
    if (c == '=' || c == '\0') {
      return absl::InvalidArgumentError(
          absl::StrCat("environment variable name \"", key, "\" contains '=' or NUL"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<EnvList> ParseEnvEntries(const std::vector<std::string>& entries,
                                        const std::string& where) {
  EnvList out;
  EnvIndex index;
  for (const std::string& entry : entries) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad Env entry \"", absl::string_view(entry).substr(0, 100),
                       entry.size() > 100 ? "..." : "", "\" in ", where, ": want KEY=VALUE"));
    }
    Set(out, index, entry.substr(0, eq), entry.substr(eq + 1));
  }
  return out;
}

namespace {

// One pass over `value` (each '$' looks ahead once, a '${' without '}' ends the scan), and
// O(1) lookups: linear in the value.
std::string Expand(absl::string_view value, const EnvList& vars, const EnvIndex& index) {
  auto lookup = [&](absl::string_view name) -> const std::string* {
    auto it = index.find(std::string(name));
    return it == index.end() ? nullptr : &vars[it->second].second;
  };
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i];
    if (c == '\\' && i + 1 < value.size() && value[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (c != '$' || i + 1 >= value.size()) {
      out.push_back(c);
      continue;
    }
    if (value[i + 1] == '{') {
      size_t close = value.find('}', i + 2);
      if (close == absl::string_view::npos) {
        out.append(value.data() + i, value.size() - i);  // unterminated: keep it literally
        break;
      }
      absl::string_view name = value.substr(i + 2, close - i - 2);
      if (const std::string* v = lookup(name)) out.append(*v);
      i = close;
      continue;
    }
    size_t end = i + 1;
    while (end < value.size() && IsNameChar(value[end])) ++end;
    if (end == i + 1) {
      out.push_back(c);  // a lone '$'
      continue;
    }
    if (const std::string* v = lookup(value.substr(i + 1, end - i - 1))) out.append(*v);
    i = end - 1;
  }
  return out;
}

}  // namespace

std::string ExpandEnvValue(absl::string_view value, const EnvList& vars) {
  return Expand(value, vars, IndexOf(vars));
}

absl::StatusOr<EnvList> MergeEnv(const EnvList& base,
                                 const std::map<std::string, std::string>& overrides) {
  const EnvIndex base_index = IndexOf(base);
  EnvList out = base;
  EnvIndex index = base_index;
  for (const auto& [key, value] : overrides) {
    RETURN_IF_ERROR(ValidateEnvKey(key));
    Set(out, index, key, Expand(value, base, base_index));
  }
  return out;
}

std::vector<std::string> FormatEnv(const EnvList& env) {
  std::vector<std::string> out;
  out.reserve(env.size());
  for (const auto& [key, value] : env) out.push_back(absl::StrCat(key, "=", value));
  return out;
}

}  // namespace oci
}  // namespace stowage
