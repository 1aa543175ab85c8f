#include "builder/cli/command.h"

#include <cstdio>
#include <cstdlib>

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
    std::fprintf(out, "  %-16s %s\n", name.c_str(), command.summary.c_str());
  }
  std::fprintf(out, "\n`stowage help COMMAND` or `stowage COMMAND --help` lists its flags.\n");
}

// Prints "usage: stowage NAME <synopsis>", the summary, then the flag table of `help` (the
// body RenderFlagHelp made: its first line is the synopsis).
void PrintCommandHelp(const Command& command, const std::string& help) {
  size_t newline = help.find('\n');
  std::string synopsis = help.substr(0, newline);
  std::string rest = newline == std::string::npos ? "" : help.substr(newline + 1);
  std::printf("usage: stowage %s %s\n%s\n%s", command.name.c_str(), synopsis.c_str(),
              command.summary.c_str(), rest.c_str());
}

// Runs `command` with `args`; --help anywhere in them prints its help instead (exit 0).
int Run(const Command& command, const std::vector<std::string>& args) {
  absl::Status status = command.run(args);
  if (HelpRequested(status)) {
    PrintCommandHelp(command, HelpText(status));
    std::fflush(stdout);
    return 0;
  }
  if (!status.ok()) {
    // One line (the CLI contract is a single clear error line), with nothing a terminal would
    // act on and no registered secret, whatever a server managed to put into the message.
    std::string message = net::SafeForTerminal(status.message());
    std::fprintf(stderr, "stowage: error: %s\n", message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace

bool RegisterCommand(const Command& command) {
  MutableCommands()[command.name] = command;
  return true;
}

const std::map<std::string, Command>& Commands() { return MutableCommands(); }

void PrintWarning(absl::string_view text) {
  std::string line = net::SafeForTerminal(text);
  std::fprintf(stderr, "stowage: warning: %s\n", line.c_str());
}

int RunMain(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    PrintUsage(stderr);
    return 2;
  }
  std::string name = args[0];
  args.erase(args.begin());
  if (name == "--help" || name == "-h" || name == "help") {
    if (name != "help" || args.empty()) {
      PrintUsage(stdout);
      return 0;
    }
    // `stowage help CMD` is `stowage CMD --help`.
    name = args[0];
    args = {"--help"};
  }
  auto it = Commands().find(name);
  if (it == Commands().end()) {
    std::fprintf(stderr, "stowage: error: unknown command \"%s\"\n", name.c_str());
    PrintUsage(stderr);
    return 2;
  }
  return Run(it->second, args);
}

}  // namespace stowage
