#include "builder/oci/env.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace oci {
namespace {

bool IsNameChar(char c) { return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_'; }

const std::string* Lookup(const EnvList& vars, absl::string_view name) {
  for (const auto& [key, value] : vars) {
    if (key == name) return &value;
  }
  return nullptr;
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
  for (const std::string& entry : entries) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad Env entry \"", entry, "\" in ", where, ": want KEY=VALUE"));
    }
    std::string key = entry.substr(0, eq);
    std::string value = entry.substr(eq + 1);
    bool replaced = false;
    for (auto& kv : out) {
      if (kv.first == key) {
        kv.second = value;
        replaced = true;
      }
    }
    if (!replaced) out.emplace_back(key, value);
  }
  return out;
}

std::string ExpandEnvValue(absl::string_view value, const EnvList& vars) {
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
      if (const std::string* v = Lookup(vars, name)) out.append(*v);
      i = close;
      continue;
    }
    size_t end = i + 1;
    while (end < value.size() && IsNameChar(value[end])) ++end;
    if (end == i + 1) {
      out.push_back(c);  // a lone '$'
      continue;
    }
    if (const std::string* v = Lookup(vars, value.substr(i + 1, end - i - 1))) out.append(*v);
    i = end - 1;
  }
  return out;
}

absl::StatusOr<EnvList> MergeEnv(const EnvList& base,
                                 const std::map<std::string, std::string>& overrides) {
  EnvList out = base;
  for (const auto& [key, value] : overrides) {
    RETURN_IF_ERROR(ValidateEnvKey(key));
    std::string expanded = ExpandEnvValue(value, base);
    bool replaced = false;
    for (auto& kv : out) {
      if (kv.first == key) {
        kv.second = expanded;
        replaced = true;
      }
    }
    if (!replaced) out.emplace_back(key, expanded);
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
