#include "builder/cli/flags.h"

#include <cstdlib>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stowage {
namespace {

// The payload that marks Parse's "help was asked for" status; its value is the help text.
constexpr char kHelpPayload[] = "type.stowage/help";

bool IsArguments(const FlagDef& def) {
  return def.kind == FlagDef::Kind::kArgs || def.kind == FlagDef::Kind::kPathArgs;
}

bool IsPath(const FlagDef& def) {
  return def.kind == FlagDef::Kind::kPath || def.kind == FlagDef::Kind::kPathArgs;
}

std::string FlagColumn(const FlagDef& def) {
  if (IsArguments(def)) return def.value_name;
  if (def.kind == FlagDef::Kind::kSwitch) return "--" + def.name;
  return absl::StrCat("--", def.name, " ", def.value_name.empty() ? "VALUE" : def.value_name);
}

void AppendRow(std::string& out, const std::string& left, const std::string& help) {
  constexpr size_t kColumn = 32;
  absl::StrAppend(&out, "  ", left);
  if (left.size() + 2 < kColumn) {
    out.append(kColumn - left.size() - 2, ' ');
  } else {
    out += "  ";
  }
  absl::StrAppend(&out, help.empty() ? "(no description)" : help, "\n");
}

}  // namespace

FlagDef SwitchFlag(std::string name, std::string help) {
  return {std::move(name), FlagDef::Kind::kSwitch, "", std::move(help)};
}
FlagDef ValueFlag(std::string name, std::string value_name, std::string help) {
  return {std::move(name), FlagDef::Kind::kValue, std::move(value_name), std::move(help)};
}
FlagDef PathFlag(std::string name, std::string value_name, std::string help) {
  return {std::move(name), FlagDef::Kind::kPath, std::move(value_name), std::move(help)};
}
FlagDef Arguments(std::string value_name, std::string help) {
  return {"", FlagDef::Kind::kArgs, std::move(value_name), std::move(help)};
}
FlagDef PathArguments(std::string value_name, std::string help) {
  return {"", FlagDef::Kind::kPathArgs, std::move(value_name), std::move(help)};
}

std::string ResolveUserPath(const std::string& path) {
  const char* dir = std::getenv("BUILD_WORKING_DIRECTORY");
  if (dir == nullptr || *dir == '\0' || path.empty() || path[0] == '/' || path == "-") return path;
  return absl::StrCat(dir, absl::EndsWith(dir, "/") ? "" : "/", path);
}

std::string RenderFlagHelp(const std::vector<FlagDef>& defs) {
  std::string synopsis = "[flags]";
  std::string arguments;
  std::string flags;
  bool paths = false;
  for (const FlagDef& def : defs) {
    paths = paths || IsPath(def);
    if (IsArguments(def)) {
      absl::StrAppend(&synopsis, " ", def.value_name);
      AppendRow(arguments, FlagColumn(def), def.help);
    } else {
      AppendRow(flags, FlagColumn(def), def.help);
    }
  }
  AppendRow(flags, "-h, --help", "print this help and exit");
  std::string out = synopsis + "\n";
  if (!arguments.empty()) absl::StrAppend(&out, "\narguments:\n", arguments);
  absl::StrAppend(&out, "\nflags:\n", flags);
  if (paths) {
    absl::StrAppend(&out,
                    "\nUnder `bazel run`, relative paths are relative to the directory bazel ran "
                    "in (BUILD_WORKING_DIRECTORY).\n");
  }
  return out;
}

namespace {

absl::Status HelpStatus(const std::string& text) {
  absl::Status status(absl::StatusCode::kCancelled, "help requested");
  status.SetPayload(kHelpPayload, absl::Cord(text));
  return status;
}

}  // namespace

absl::Status SubcommandHelp(const std::vector<std::pair<std::string, std::string>>& subcommands) {
  std::string rows;
  for (const auto& [name, summary] : subcommands) AppendRow(rows, name, summary);
  std::string flags;
  AppendRow(flags, "-h, --help", "print this help and exit");
  return HelpStatus(absl::StrCat("SUBCOMMAND [flags]\n\nsubcommands:\n", rows, "\nflags:\n", flags,
                                 "\n`--help` after a subcommand lists its flags.\n"));
}

absl::Status NameSubcommandHelp(absl::Status status, const std::string& name) {
  if (!HelpRequested(status)) return status;
  return HelpStatus(name + " " + HelpText(status));
}

bool HelpRequested(const absl::Status& status) {
  return status.GetPayload(kHelpPayload).has_value();
}

std::string HelpText(const absl::Status& status) {
  auto text = status.GetPayload(kHelpPayload);
  return text.has_value() ? std::string(*text) : "";
}

absl::StatusOr<Flags> Flags::Parse(const std::vector<std::string>& args,
                                   const std::vector<FlagDef>& defs) {
  std::map<std::string, const FlagDef*> by_name;
  bool path_arguments = false;
  for (const FlagDef& def : defs) {
    if (IsArguments(def)) {
      path_arguments = path_arguments || def.kind == FlagDef::Kind::kPathArgs;
    } else {
      by_name[def.name] = &def;
    }
  }
  Flags flags;
  // The first error is kept and reported only after the whole line was read, so that
  // `--help` wins over a mistake elsewhere on the same line.
  absl::Status error;
  bool help = false;
  auto add_positional = [&](const std::string& arg) {
    flags.positional_.push_back(path_arguments ? ResolveUserPath(arg) : arg);
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      for (size_t j = i + 1; j < args.size(); ++j) add_positional(args[j]);
      break;
    }
    if (arg == "--help" || arg == "-h") {
      help = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      add_positional(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool has_value = false;
    size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto it = by_name.find(name);
    if (it == by_name.end()) {
      if (error.ok()) {
        error = absl::InvalidArgumentError(
            absl::StrCat("unknown flag --", name, " (--help lists the flags)"));
      }
      continue;
    }
    const FlagDef& def = *it->second;
    if (def.kind == FlagDef::Kind::kSwitch) {
      if (has_value && value != "true" && value != "false" && error.ok()) {
        error = absl::InvalidArgumentError(absl::StrCat("flag --", name, " takes no value"));
      }
      flags.values_[name].push_back(has_value ? value : "true");
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) {
        if (error.ok()) error = absl::InvalidArgumentError("flag --" + name + " needs a value");
        continue;
      }
      value = args[++i];
    }
    flags.values_[name].push_back(def.kind == FlagDef::Kind::kPath ? ResolveUserPath(value)
                                                                   : value);
  }
  if (help) return HelpStatus(RenderFlagHelp(defs));
  if (!error.ok()) return error;
  return flags;
}

bool Flags::Has(const std::string& name) const {
  auto it = values_.find(name);
  return it != values_.end() && !it->second.empty() && it->second.back() != "false";
}

std::string Flags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return fallback;
  return it->second.back();
}

std::vector<std::string> Flags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return {};
  return it->second;
}

absl::StatusOr<std::string> Flags::Require(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) {
    return absl::InvalidArgumentError("missing required flag --" + name);
  }
  return it->second.back();
}

absl::StatusOr<long long> Flags::GetInt(const std::string& name, long long fallback,
                                        long long min, long long max) const {
  if (values_.find(name) == values_.end()) return fallback;
  long long v;
  std::string s = Get(name);
  if (!absl::SimpleAtoi(s, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag --", name, " wants an integer, got \"", s, "\""));
  }
  if (v < min || v > max) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag --", name, " must be from ", min, " to ", max, ", not ", v));
  }
  return v;
}

}  // namespace stowage
