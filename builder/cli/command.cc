#include "builder/cli/command.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace {

std::map<std::string, Command>& MutableCommands() {
  static auto* commands = new std::map<std::string, Command>();
  return *commands;
}

void PrintUsage(FILE* out) {
  std::fprintf(out, "usage: stowage <command> [flags]\n\ncommands:\n");
  for (const auto& [name, command] : Commands()) {
    std::fprintf(out, "  %-10s %s\n", name.c_str(), command.summary.c_str());
  }
}

}  // namespace

absl::StatusOr<Flags> Flags::Parse(const std::vector<std::string>& args,
                                   const std::vector<std::string>& known) {
  std::map<std::string, bool> is_switch;
  for (const std::string& k : known) {
    if (absl::EndsWith(k, "!")) {
      is_switch[k.substr(0, k.size() - 1)] = true;
    } else {
      is_switch[k] = false;
    }
  }
  Flags flags;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      flags.positional_.insert(flags.positional_.end(), args.begin() + i + 1, args.end());
      break;
    }
    if (!absl::StartsWith(arg, "--")) {
      flags.positional_.push_back(arg);
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
    auto it = is_switch.find(name);
    if (it == is_switch.end()) return absl::InvalidArgumentError("unknown flag --" + name);
    if (it->second) {
      if (has_value && value != "true" && value != "false") {
        return absl::InvalidArgumentError(absl::StrCat("flag --", name, " takes no value"));
      }
      flags.values_[name].push_back(has_value ? value : "true");
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size())
        return absl::InvalidArgumentError("flag --" + name + " needs a value");
      value = args[++i];
    }
    flags.values_[name].push_back(value);
  }
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

absl::StatusOr<long long> Flags::GetInt(const std::string& name, long long fallback) const {
  if (values_.find(name) == values_.end()) return fallback;
  long long v;
  std::string s = Get(name);
  if (!absl::SimpleAtoi(s, &v)) {
    return absl::InvalidArgumentError(
        absl::StrCat("flag --", name, " wants an integer, got \"", s, "\""));
  }
  return v;
}

bool RegisterCommand(const Command& command) {
  MutableCommands()[command.name] = command;
  return true;
}

const std::map<std::string, Command>& Commands() { return MutableCommands(); }

int RunMain(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "help") {
    PrintUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  auto it = Commands().find(argv[1]);
  if (it == Commands().end()) {
    std::fprintf(stderr, "stowage: error: unknown command \"%s\"\n", argv[1]);
    PrintUsage(stderr);
    return 2;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  absl::Status status = it->second.run(args);
  if (!status.ok()) {
    // One line (the CLI contract is a single clear error line), with nothing a terminal would
    // act on and no registered secret, whatever a server managed to put into the message.
    std::string message = net::SafeForTerminal(status.message());
    std::fprintf(stderr, "stowage: error: %s\n", message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace stowage
