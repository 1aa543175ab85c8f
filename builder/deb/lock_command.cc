// `stowage deb lock --lockfile FILE --suite S [--suite S2...] --package P [--package P2...]
//                   [--arch amd64 --arch arm64] [--component main] [--essential]
//                   [--mirror [SUITE=]URL...] [--keyring FILE...] [--allow-unsigned]
//                   [--apt-config DIR] [--timeout SECONDS] [--check]`
// Resolves the packages against the suites' indexes on the mirror that apt's configuration
// (or --mirror / STOWAGE_DEB_MIRRORS) names, then writes the lockfile atomically and prints
// what changed. With --check nothing is written and a lock that would change is an error.
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/output_path.h"
#include "builder/common/status_macros.h"
#include "builder/deb/commands.h"
#include "builder/deb/lock.h"

namespace stowage {
namespace {

constexpr int64_t kMaxLockfileBytes = 64 << 20;

std::string HostArchitecture() {
  struct utsname u;
  if (uname(&u) == 0 && std::string(u.machine) == "aarch64") return "arm64";
  return "amd64";
}

absl::StatusOr<Lockfile> ReadExistingLock(const std::string& path, bool* exists) {
  struct stat st;
  *exists = stat(path.c_str(), &st) == 0;
  if (!*exists) return Lockfile();
  if (!S_ISREG(st.st_mode)) return absl::InvalidArgumentError(path + " is not a regular file");
  if (st.st_size > kMaxLockfileBytes) {
    return absl::InvalidArgumentError(path + " is larger than 64 MiB; not a lockfile");
  }
  ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  auto lock = ParseLockfile(text, path);
  if (!lock.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        lock.status().message(), " (the existing lockfile is unreadable; fix or delete it)"));
  }
  return lock;
}

const std::vector<FlagDef> kFlags = {
    PathFlag("lockfile", "FILE", "the lockfile to write (or check)"),
    ValueFlag("suite", "SUITE", "a Debian suite to resolve against, e.g. bookworm (repeated)"),
    ValueFlag("component", "COMPONENT", "archive component (repeated; default main)"),
    ValueFlag("arch", "ARCH", "architecture to lock for (repeated; default the host's)"),
    ValueFlag("package", "NAME", "a package to lock, with its dependencies (repeated)"),
    SwitchFlag("essential", "also lock the suite's Essential: yes packages"),
    ValueFlag("mirror", "[SUITE=]URL",
              "mirror to read instead of apt's configuration (repeated; or STOWAGE_DEB_MIRRORS)"),
    PathFlag("keyring", "FILE", "OpenPGP keyring that signs the suites' Release files (repeated)"),
    SwitchFlag("allow-unsigned", "accept Release files without a valid signature"),
    PathFlag("apt-config", "DIR",
             "apt's configuration directory (default STOWAGE_APT_CONFIG_DIR, else /etc/apt)"),
    ValueFlag("timeout", "SECONDS", "bound of each download, 1 to 3600 (default 300)"),
    SwitchFlag("check", "write nothing; fail when the lockfile would change"),
};

}  // namespace

absl::Status DebLockMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError("stowage deb lock takes no positional arguments");
  }
  absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(std::string lockfile, flags.Require("lockfile"));
  LockInputs inputs;
  inputs.suites = flags.GetAll("suite");
  inputs.components = flags.GetAll("component");
  if (inputs.components.empty()) inputs.components = {"main"};
  inputs.architectures = flags.GetAll("arch");
  if (inputs.architectures.empty()) inputs.architectures = {HostArchitecture()};
  inputs.packages = flags.GetAll("package");
  inputs.include_essential = flags.Has("essential");

  ArchiveConfig config;
  const char* apt_dir = std::getenv("STOWAGE_APT_CONFIG_DIR");
  config.etc_apt =
      flags.Get("apt-config", apt_dir != nullptr && *apt_dir != '\0' ? apt_dir : "/etc/apt");
  ASSIGN_OR_RETURN(config.apt_sources, ReadAptSources(config.etc_apt));
  std::vector<std::string> mirrors = flags.GetAll("mirror");
  if (mirrors.empty()) {
    const char* env = std::getenv("STOWAGE_DEB_MIRRORS");
    if (env != nullptr) mirrors = SplitMirrorList(env);
  }
  ASSIGN_OR_RETURN(config.overrides, ParseMirrorOverrides(mirrors));
  config.keyrings = flags.GetAll("keyring");
  config.allow_unsigned = flags.Has("allow-unsigned");
  ASSIGN_OR_RETURN(long long timeout, flags.GetInt("timeout", 300));
  if (timeout <= 0 || timeout > 3600) {
    return absl::InvalidArgumentError("--timeout must be between 1 and 3600 seconds");
  }
  config.fetch.timeout = absl::Seconds(timeout);
  config.log = stderr;

  if (!flags.Has("check")) {
    // Refused before the mirror is asked anything: a lockfile that is a symlink or a device,
    // or one of the keyrings (it would be replaced by the lock).
    std::vector<NamedPath> keyrings;
    for (const std::string& k : config.keyrings) keyrings.push_back({"--keyring", k});
    RETURN_IF_ERROR(CheckOutputPaths({{"--lockfile", lockfile}}, keyrings));
  }
  bool exists = false;
  ASSIGN_OR_RETURN(Lockfile before, ReadExistingLock(lockfile, &exists));
  ArchiveReader reader(std::move(config));
  ASSIGN_OR_RETURN(Lockfile after, MakeLock(inputs, &reader));
  std::string text = SerializeLockfile(after);
  bool changed = !exists || SerializeLockfile(before) != text;

  std::vector<std::string> diff = DiffLockfiles(before, after);
  for (const std::string& line : diff) std::printf("%s\n", line.c_str());
  int64_t count = 0;
  int64_t bytes = 0;
  for (const auto& [arch, packages] : after.packages) {
    for (const auto& [name, p] : packages) {
      ++count;
      bytes += p.size;
    }
  }
  std::string summary = absl::StrFormat(
      "%d packages (%.1f MB of .deb files) for %s; %.1f MB of indexes read in %.1f s", count,
      bytes / 1e6, absl::StrJoin(inputs.architectures, ", "), reader.downloaded() / 1e6,
      absl::ToDoubleSeconds(absl::Now() - start));
  if (flags.Has("check")) {
    if (changed) {
      return absl::FailedPreconditionError(absl::StrCat(
          lockfile, " is out of date (", diff.empty() ? "inputs or format changed" : "see above",
          "); re-run the lock to update it"));
    }
    std::printf("%s is up to date: %s\n", lockfile.c_str(), summary.c_str());
    return absl::OkStatus();
  }
  if (!changed) {
    std::printf("no changes: %s\n", summary.c_str());
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(WriteFileAtomically(lockfile, text));
  std::printf("%s %s: %s\n", exists ? "updated" : "wrote", lockfile.c_str(), summary.c_str());
  return absl::OkStatus();
}

}  // namespace stowage
