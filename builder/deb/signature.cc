#include "builder/deb/signature.h"

#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

extern char** environ;

namespace stowage {
namespace {

constexpr size_t kMaxKeyring = 4 << 20;

bool IsFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

absl::StatusOr<std::string> ReadKeyFile(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return ErrnoStatus("cannot read keyring", path);
  if (static_cast<size_t>(st.st_size) > kMaxKeyring) {
    return absl::InvalidArgumentError(path + " is too large for a keyring");
  }
  return ReadFile(path);
}

// A keyring file for gpgv: binary ones as they are, armored ones decoded into scratch.
absl::StatusOr<std::string> UsableKeyring(const std::string& path, const std::string& scratch,
                                          int* counter) {
  if (!absl::EndsWith(path, ".asc")) return path;
  ASSIGN_OR_RETURN(std::string armored, ReadKeyFile(path));
  ASSIGN_OR_RETURN(std::string binary, Dearmor(armored));
  std::string out = absl::StrCat(scratch, "/key-", (*counter)++, ".gpg");
  RETURN_IF_ERROR(WriteFileAtomically(out, binary));
  return out;
}

// Runs gpgv with `args`, its output in scratch; returns its exit status and the last lines it
// printed (for the error message).
absl::StatusOr<int> RunGpgv(const std::vector<std::string>& args, const std::string& scratch,
                            std::string* messages) {
  std::string home = scratch + "/gnupg";
  mkdir(home.c_str(), 0700);
  std::string log = scratch + "/gpgv.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  std::vector<std::string> env_storage;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, "GNUPGHOME=") && !absl::StartsWith(*e, "LC_ALL=")) {
      env_storage.push_back(*e);
    }
  }
  env_storage.push_back("GNUPGHOME=" + home);
  env_storage.push_back("LC_ALL=C");
  std::vector<char*> envp;
  for (std::string& e : env_storage) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_storage = {"gpgv"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  int rc = posix_spawnp(&pid, "gpgv", &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    return absl::FailedPreconditionError(
        "cannot run gpgv to check the archive's signature (install Debian's gpgv, or pass "
        "--allow-unsigned to skip the check)");
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return ErrnoStatus("waitpid", "gpgv");
  }
  auto text = ReadFile(log);
  if (text.ok()) {
    // The last two lines say why; control characters from key names are dropped.
    std::vector<absl::string_view> lines = absl::StrSplit(*text, '\n', absl::SkipEmpty());
    size_t from = lines.size() > 2 ? lines.size() - 2 : 0;
    for (size_t i = from; i < lines.size(); ++i) {
      for (char c : lines[i].substr(0, 200)) {
        if (c >= 32 && c < 127) messages->push_back(c);
      }
      if (i + 1 < lines.size()) messages->append("; ");
    }
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

std::vector<std::string> KeyringArgs(const std::vector<std::string>& keyrings) {
  std::vector<std::string> args = {"--quiet"};
  for (const std::string& k : keyrings) {
    args.push_back("--keyring");
    args.push_back(k);
  }
  return args;
}

}  // namespace

absl::StatusOr<std::string> Dearmor(absl::string_view armored) {
  std::vector<absl::string_view> lines = absl::StrSplit(armored, '\n');
  size_t i = 0;
  while (i < lines.size() && !absl::StartsWith(absl::StripAsciiWhitespace(lines[i]),
                                               "-----BEGIN PGP PUBLIC KEY BLOCK-----")) {
    ++i;
  }
  if (i == lines.size()) return absl::InvalidArgumentError("no armored public key block");
  ++i;
  // Armor headers ("Comment: ...") end at the first empty line; a "." line is an empty line
  // in a deb822 value.
  auto blank = [](absl::string_view l) {
    l = absl::StripAsciiWhitespace(l);
    return l.empty() || l == ".";
  };
  while (i < lines.size() && !blank(lines[i])) ++i;
  std::string base64;
  for (++i; i < lines.size(); ++i) {
    absl::string_view l = absl::StripAsciiWhitespace(lines[i]);
    if (l.empty() || l == ".") continue;
    if (l[0] == '=' || absl::StartsWith(l, "-----END")) break;
    absl::StrAppend(&base64, l);
  }
  std::string binary;
  if (base64.empty() || !absl::Base64Unescape(base64, &binary)) {
    return absl::InvalidArgumentError("malformed armored public key block");
  }
  return binary;
}

absl::StatusOr<std::vector<std::string>> KeyringsFor(const std::string& signed_by,
                                                     const std::string& etc_apt,
                                                     const std::string& scratch_dir) {
  std::vector<std::string> out;
  int counter = 0;
  if (signed_by.find("-----BEGIN") != std::string::npos) {
    ASSIGN_OR_RETURN(std::string binary, Dearmor(signed_by));
    std::string path = absl::StrCat(scratch_dir, "/inline-", counter++, ".gpg");
    RETURN_IF_ERROR(WriteFileAtomically(path, binary));
    out.push_back(path);
    return out;
  }
  if (!signed_by.empty() && signed_by[0] == '/') {
    for (absl::string_view p :
         absl::StrSplit(signed_by, absl::ByAnyChar(", "), absl::SkipEmpty())) {
      ASSIGN_OR_RETURN(std::string k, UsableKeyring(std::string(p), scratch_dir, &counter));
      out.push_back(k);
    }
    return out;
  }
  // No keyring named (or only fingerprints): apt's trusted keys.
  std::vector<std::string> candidates;
  if (IsFile(etc_apt + "/trusted.gpg")) candidates.push_back(etc_apt + "/trusted.gpg");
  std::string dir = etc_apt + "/trusted.gpg.d";
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (absl::EndsWith(name, ".gpg") || absl::EndsWith(name, ".asc")) names.push_back(name);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  for (const std::string& n : names) candidates.push_back(dir + "/" + n);
  for (const std::string& c : candidates) {
    ASSIGN_OR_RETURN(std::string k, UsableKeyring(c, scratch_dir, &counter));
    out.push_back(k);
  }
  // Debian's archive keyring, where apt's own set is empty (a machine whose sources all name
  // Signed-By, queried through --mirror).
  const std::string debian = "/usr/share/keyrings/debian-archive-keyring.gpg";
  if (out.empty() && IsFile(debian)) out.push_back(debian);
  if (out.empty()) {
    return absl::FailedPreconditionError(
        "no trusted keyring found (give --keyring FILE, or --allow-unsigned)");
  }
  return out;
}

absl::StatusOr<std::string> VerifyClearsigned(absl::string_view inrelease,
                                              const std::vector<std::string>& keyrings,
                                              const std::string& scratch_dir,
                                              absl::string_view where) {
  std::string in = scratch_dir + "/InRelease";
  std::string out = scratch_dir + "/InRelease.signed";
  RETURN_IF_ERROR(WriteFileAtomically(in, inrelease));
  unlink(out.c_str());
  std::vector<std::string> args = KeyringArgs(keyrings);
  args.insert(args.end(), {"--output", out, in});
  std::string messages;
  ASSIGN_OR_RETURN(int rc, RunGpgv(args, scratch_dir, &messages));
  if (rc != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("the signature of ", where,
                     " does not verify against the trusted keys (gpgv: ", messages, ")"));
  }
  return ReadFile(out);
}

absl::Status VerifyDetached(absl::string_view release, absl::string_view signature,
                            const std::vector<std::string>& keyrings,
                            const std::string& scratch_dir, absl::string_view where) {
  std::string data = scratch_dir + "/Release";
  std::string sig = scratch_dir + "/Release.gpg";
  RETURN_IF_ERROR(WriteFileAtomically(data, release));
  RETURN_IF_ERROR(WriteFileAtomically(sig, signature));
  std::vector<std::string> args = KeyringArgs(keyrings);
  args.insert(args.end(), {sig, data});
  std::string messages;
  ASSIGN_OR_RETURN(int rc, RunGpgv(args, scratch_dir, &messages));
  if (rc != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("the signature of ", where,
                     " does not verify against the trusted keys (gpgv: ", messages, ")"));
  }
  return absl::OkStatus();
}

}  // namespace stowage
