// Command-line flags of one subcommand: their definitions, parsing, and the --help text made
// from the same definitions (so help cannot drift from what a command accepts).
#ifndef STOWAGE_BUILDER_CLI_FLAGS_H_
#define STOWAGE_BUILDER_CLI_FLAGS_H_

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace stowage {

// One flag a subcommand accepts, or (with an empty name) what its positional arguments are.
struct FlagDef {
  enum class Kind {
    kSwitch,    // --name, takes no value (--name=true|false is accepted)
    kValue,     // --name VALUE or --name=VALUE
    kPath,      // a value that is a file or directory path
    kArgs,      // positional arguments (name empty)
    kPathArgs,  // positional arguments that are paths (name empty)
  };
  std::string name;  // without dashes; empty for positional arguments
  Kind kind;
  std::string value_name;  // "FILE", "N", "HOST[:PORT]/NAME"; for arguments, e.g. "FILE..."
  std::string help;        // one line
};

// Readable constructors for FlagDef lists.
FlagDef SwitchFlag(std::string name, std::string help);
FlagDef ValueFlag(std::string name, std::string value_name, std::string help);
// Path values: relative ones resolve against BUILD_WORKING_DIRECTORY when it is set (the
// directory `bazel run` was started in), so `bazel run @stowage//builder:stowage -- digest x`
// reads the user's x, not one in the runfiles tree.
FlagDef PathFlag(std::string name, std::string value_name, std::string help);
FlagDef Arguments(std::string value_name, std::string help);
FlagDef PathArguments(std::string value_name, std::string help);

// Parsed command-line flags: `--name=value`, `--name value`, repeated flags, bare `--switch`.
class Flags {
 public:
  // Only flags in `defs` are accepted. Anything not starting with "--" is positional; "--" ends
  // flag parsing. `--help` or `-h` anywhere before "--" returns a status for which
  // HelpRequested() is true, whose HelpText() is the rendered help (exit 0 at the CLI).
  static absl::StatusOr<Flags> Parse(const std::vector<std::string>& args,
                                     const std::vector<FlagDef>& defs);

  bool Has(const std::string& name) const;
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // Every value given, in order.
  std::vector<std::string> GetAll(const std::string& name) const;
  // The value, or an error naming the missing flag.
  absl::StatusOr<std::string> Require(const std::string& name) const;
  // The value as an integer in [min, max] (out of range is an error, never a value that
  // wraps when the caller narrows it), or `fallback` when the flag is absent.
  absl::StatusOr<long long> GetInt(const std::string& name, long long fallback,
                                   long long min = std::numeric_limits<long long>::min(),
                                   long long max = std::numeric_limits<long long>::max()) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

// The help body for `defs`: a first line with the synopsis after the command name
// ("[flags] FILE..."), then one line per argument and flag with its description.
std::string RenderFlagHelp(const std::vector<FlagDef>& defs);

// True for the status Parse returns on --help / -h; HelpText() is the rendered help.
bool HelpRequested(const absl::Status& status);
std::string HelpText(const absl::Status& status);

// For a command with subcommands of its own (`stowage deb lock`): the help status listing them
// (name, one-line summary), as Parse's is for flags.
absl::Status SubcommandHelp(const std::vector<std::pair<std::string, std::string>>& subcommands);
// A subcommand's help status with its name put before the synopsis ("lock [flags]"); any
// other status unchanged.
absl::Status NameSubcommandHelp(absl::Status status, const std::string& name);

// `path` resolved against BUILD_WORKING_DIRECTORY when that is set and `path` is relative.
std::string ResolveUserPath(const std::string& path);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_CLI_FLAGS_H_
