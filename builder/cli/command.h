// Subcommand registry for the `stowage` tool and a small flag parser.
//
// Each concern (layer, image, push, static, deploy...) registers its subcommand from its own
// library with STOWAGE_REGISTER_COMMAND, so main.cc never changes when a command is added.
// Subcommands have disjoint flags; a per-command parser keeps them from sharing one global set.
#ifndef STOWAGE_BUILDER_CLI_COMMAND_H_
#define STOWAGE_BUILDER_CLI_COMMAND_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stowage {

// Parsed command-line flags: `--name=value`, `--name value`, repeated flags, bare `--switch`.
class Flags {
 public:
  // `known` lists accepted flag names (without dashes); a trailing '!' marks a boolean switch
  // that takes no value. Unknown flags are an error. Anything not starting with "--" is
  // positional; "--" ends flag parsing.
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args,
                                     const std::vector<std::string>& known);

  bool Has(const std::string& name) const;
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value given, in order.
  std::vector<std::string> GetAll(const std::string& name) const;
  // The value, or an error naming the missing flag.
  absl::StatusOr<std::string> Require(const std::string& name) const;
  absl::StatusOr<long long> GetInt(const std::string& name, long long fallback) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

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
int RunMain(int argc, char** argv);

}  // namespace stowage

#define STOWAGE_REGISTER_COMMAND(name, summary, fn)                     \
  static const bool STOWAGE_CONCAT_CMD(stowage_registered_, __LINE__) = \
      ::stowage::RegisterCommand(::stowage::Command{name, summary, fn})
#define STOWAGE_CONCAT_CMD_INNER(a, b) a##b
#define STOWAGE_CONCAT_CMD(a, b) STOWAGE_CONCAT_CMD_INNER(a, b)

#endif  // STOWAGE_BUILDER_CLI_COMMAND_H_
