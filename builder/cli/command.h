// Subcommand registry for the `stowage` tool.
//
// Each concern (layer, image, push, static, deploy...) registers its subcommand from its own
// library with STOWAGE_REGISTER_COMMAND, so main.cc never changes when a command is added.
// Subcommands have disjoint flags; each parses its own with Flags::Parse (flags.h), which also
// answers --help from the same flag definitions.
#ifndef STOWAGE_BUILDER_CLI_COMMAND_H_
#define STOWAGE_BUILDER_CLI_COMMAND_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "builder/cli/flags.h"

namespace stowage {

using CommandFn = absl::Status (*)(const std::vector<std::string>& args);

struct Command {
  std::string name;
  std::string summary;
  CommandFn run;
};

// Registers a subcommand; returns true so it can initialise a static.
bool RegisterCommand(const Command& command);
const std::map<std::string, Command>& Commands();

// Runs the tool: dispatches argv[1]; errors become "stowage: error: ..." on stderr and exit 1.
// `stowage help [CMD]`, `stowage --help` and `stowage CMD --help` print usage and exit 0.
int RunMain(int argc, char** argv);

// Prints "stowage: warning: <text>" on stderr as one line, through the same filter as the
// error line: a warning quotes file names and file contents (a CSS url() from a third-party
// package), so control characters are escaped and registered secrets redacted.
void PrintWarning(absl::string_view text);

}  // namespace stowage

#define STOWAGE_REGISTER_COMMAND(name, summary, fn)                     \
  static const bool STOWAGE_CONCAT_CMD(stowage_registered_, __LINE__) = \
      ::stowage::RegisterCommand(::stowage::Command{name, summary, fn})
#define STOWAGE_CONCAT_CMD_INNER(a, b) a##b
#define STOWAGE_CONCAT_CMD(a, b) STOWAGE_CONCAT_CMD_INNER(a, b)

#endif  // STOWAGE_BUILDER_CLI_COMMAND_H_
