#include "builder/registry/credentials.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "builder/common/capped_read.h"
#include "builder/common/files.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/net/server_text.h"

extern char** environ;

namespace stowage {
namespace registry {
namespace {

std::string NormalizeServer(absl::string_view key) {
  for (absl::string_view prefix : {"https://", "http://"}) {
    if (absl::StartsWith(key, prefix)) key.remove_prefix(prefix.size());
  }
  size_t slash = key.find('/');
  if (slash != absl::string_view::npos) key = key.substr(0, slash);
  return absl::AsciiStrToLower(key);
}

constexpr absl::Duration kHelperTimeout = absl::Seconds(60);

}  // namespace

absl::StatusOr<DockerConfig> DockerConfig::Parse(const std::string& text,
                                                 const std::string& where) {
  // ParseJson's errors give a line and column, never the text: here it may be a password.
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(text, where, limits::kMaxDockerConfigBytes));
  JsonView root(j, where);
  RETURN_IF_ERROR(root.ExpectObject());
  DockerConfig config;
  config.path = where;
  ASSIGN_OR_RETURN(JsonView auths, root.OptionalObject("auths"));
  ASSIGN_OR_RETURN(JsonView::Members entries, auths.AsObject());
  for (const auto& [key, entry] : entries) RETURN_IF_ERROR(entry.ExpectObject());
  config.auths = auths.json();
  ASSIGN_OR_RETURN(config.creds_store, root.OptionalString("credsStore"));
  using HelperMap = std::map<std::string, std::string>;
  ASSIGN_OR_RETURN(HelperMap helpers, root.OptionalStringMap("credHelpers"));
  for (const auto& [host, helper] : helpers) config.cred_helpers[NormalizeServer(host)] = helper;
  return config;
}

absl::StatusOr<DockerConfig> DockerConfig::Load() {
  // CI systems (GitLab's runner, buildah, kaniko set-ups) hand the whole config.json over in
  // DOCKER_AUTH_CONFIG; when it is set it is the configuration, and no file is read.
  if (const char* env = std::getenv("DOCKER_AUTH_CONFIG"); env != nullptr && *env != '\0') {
    return Parse(env, "$DOCKER_AUTH_CONFIG");
  }
  std::string dir;
  if (const char* d = std::getenv("DOCKER_CONFIG"); d != nullptr && *d != '\0') {
    dir = d;
  } else if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    dir = absl::StrCat(home, "/.docker");
  } else {
    return DockerConfig{};
  }
  std::string path = dir + "/config.json";
  absl::StatusOr<std::string> text = ReadFileCapped(path, limits::kMaxDockerConfigBytes);
  if (absl::IsNotFound(text.status())) return DockerConfig{};
  if (!text.ok()) return text.status();
  return Parse(*text, path);
}

std::optional<std::string> FindAuthsKey(const nlohmann::json& auths, absl::string_view host) {
  std::string want = NormalizeServer(host);
  for (const auto& [key, value] : auths.items()) {
    if (NormalizeServer(key) == want) return key;
  }
  return std::nullopt;
}

absl::StatusOr<Credentials> ParseAuthEntry(const nlohmann::json& entry_json,
                                           const std::string& key) {
  std::string where = absl::StrCat("docker config auths[\"", key, "\"]");
  JsonView entry(entry_json, where);
  RETURN_IF_ERROR(entry.ExpectObject());
  Credentials c;
  c.origin = "docker config auths";
  ASSIGN_OR_RETURN(c.username, entry.OptionalString("username"));
  ASSIGN_OR_RETURN(c.password, entry.OptionalString("password"));
  ASSIGN_OR_RETURN(c.identity_token, entry.OptionalString("identitytoken"));
  ASSIGN_OR_RETURN(std::string auth, entry.OptionalString("auth"));
  if (!auth.empty()) {
    std::string decoded;
    if (!absl::Base64Unescape(auth, &decoded)) {
      return absl::InvalidArgumentError(where + ": \"auth\" is not valid base64");
    }
    size_t colon = decoded.find(':');
    if (colon == std::string::npos || colon == 0) {
      return absl::InvalidArgumentError(where + ": \"auth\" does not decode to user:password");
    }
    c.username = decoded.substr(0, colon);
    c.password = decoded.substr(colon + 1);
    // docker trims NUL bytes some tools leave at the end of the password.
    while (!c.password.empty() && c.password.back() == '\0') c.password.pop_back();
    if (c.username.find('\0') != std::string::npos || c.password.find('\0') != std::string::npos) {
      return absl::InvalidArgumentError(where + ": \"auth\" decodes to a NUL byte");
    }
  }
  return c;
}

absl::StatusOr<Credentials> ParseHelperOutput(const std::string& output,
                                              const std::string& helper) {
  std::string where = "output of docker-credential-" + helper;
  ASSIGN_OR_RETURN(nlohmann::json j, ParseJson(output, where, limits::kMaxCredentialHelperOutput));
  JsonView root(j, where);
  RETURN_IF_ERROR(root.ExpectObject());
  Credentials c;
  c.origin = "docker-credential-" + helper;
  ASSIGN_OR_RETURN(std::string user, root.OptionalString("Username"));
  ASSIGN_OR_RETURN(std::string secret, root.OptionalString("Secret"));
  if (user == "<token>") {
    c.identity_token = secret;
  } else {
    c.username = user;
    c.password = secret;
  }
  return c;
}

absl::StatusOr<std::string> RunCredentialHelper(const std::string& helper,
                                                const std::string& server, bool* not_found) {
  *not_found = false;
  std::string program = "docker-credential-" + helper;
  int in_pipe[2], out_pipe[2];
  if (pipe2(in_pipe, O_CLOEXEC) != 0 || pipe2(out_pipe, O_CLOEXEC) != 0) {
    return absl::InternalError("cannot create a pipe for " + program);
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_pipe[0], 0);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("get"), nullptr};
  pid_t pid;
  int rc = posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  close(in_pipe[0]);
  close(out_pipe[1]);
  if (rc != 0) {
    close(in_pipe[1]);
    close(out_pipe[0]);
    return absl::NotFoundError(absl::StrCat("cannot run credential helper ", program, ": ",
                                            std::strerror(rc), " (is it on PATH?)"));
  }
  // The server URL without a newline, as docker writes it.
  signal(SIGPIPE, SIG_IGN);
  (void)!write(in_pipe[1], server.data(), server.size());
  close(in_pipe[1]);
  std::string output;
  char buf[4096];
  absl::Time deadline = absl::Now() + kHelperTimeout;
  bool timed_out = false;
  bool too_long = false;
  while (true) {
    int ms = static_cast<int>(absl::ToInt64Milliseconds(deadline - absl::Now()));
    if (ms <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out_pipe[0], POLLIN, 0};
    int r = poll(&p, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      timed_out = r == 0;
      break;
    }
    ssize_t n = read(out_pipe[0], buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    output.append(buf, static_cast<size_t>(n));
    if (static_cast<int64_t>(output.size()) > limits::kMaxCredentialHelperOutput) {
      too_long = true;
      break;
    }
  }
  close(out_pipe[0]);
  if (timed_out || too_long) kill(pid, SIGKILL);
  int wstatus = 0;
  while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return absl::DeadlineExceededError(program + " get did not answer within 60s");
  if (too_long) {
    return absl::ResourceExhaustedError(absl::StrCat(program, " get wrote more than ",
                                                     limits::kMaxCredentialHelperOutput, " bytes"));
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    std::string message(absl::StripAsciiWhitespace(output));
    if (absl::StrContains(absl::AsciiStrToLower(message), "credentials not found")) {
      *not_found = true;
      return std::string();
    }
    // The helper's words, escaped, capped and with anything credential-shaped redacted: a
    // failing helper may well print what it was about to hand over.
    return absl::PermissionDeniedError(
        absl::StrCat(program, " get failed for ", server, ": ",
                     message.empty() ? "no message" : net::ServerText(message, 200)));
  }
  return output;
}

absl::StatusOr<Credentials> ResolveCredentials(const DockerConfig& config, const std::string& host,
                                               const HelperRunner& runner) {
  std::string helper;
  auto it = config.cred_helpers.find(NormalizeServer(host));
  if (it != config.cred_helpers.end()) {
    helper = it->second;
  } else if (!config.creds_store.empty()) {
    helper = config.creds_store;
  }
  if (!helper.empty()) {
    bool not_found = false;
    ASSIGN_OR_RETURN(std::string output, runner(helper, host, &not_found));
    if (!not_found) return ParseHelperOutput(output, helper);
    // The helper has no entry: an `auths` entry with inline credentials still applies.
  }
  if (std::optional<std::string> key = FindAuthsKey(config.auths, host)) {
    auto entry = config.auths.find(*key);
    if (entry != config.auths.end()) {
      ASSIGN_OR_RETURN(Credentials c, ParseAuthEntry(*entry, *key));
      if (!c.anonymous()) return c;
    }
  }
  return Credentials{};
}

}  // namespace registry
}  // namespace stowage
