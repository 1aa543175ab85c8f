// bookstore: a small bookstore web app served natively -- what a Django tutorial app does with
// Gunicorn + Django + WhiteNoise + dj-database-url, in one C++ binary.
//
//   bookstore [serve] [--port N] [--threads N]   serve HTTP on 0.0.0.0 (default command)
//   bookstore migrate                            create the schema and seed data (release phase)
//   bookstore check                              validate settings, templates and static files
//   bookstore healthcheck [--port N]             exit 0 when the local server's /healthz is 200
#include <signal.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "builder/cli/command.h"
#include "builder/common/status_macros.h"
#include "examples/bookstore/app.h"
#include "examples/bookstore/book_store.h"
#include "examples/bookstore/database_url.h"
#include "examples/bookstore/healthcheck.h"
#include "examples/bookstore/server.h"
#include "examples/bookstore/settings.h"
#include "examples/bookstore/static_files.h"
#include "examples/bookstore/templates.h"

namespace bookstore {
namespace {

constexpr char kUsage[] =
    "usage: bookstore [serve] [--port N] [--threads N]\n"
    "       bookstore migrate\n"
    "       bookstore check\n"
    "       bookstore healthcheck [--port N]\n"
    "\n"
    "Environment: DEBUG, SECRET_KEY, DATABASE_URL, PORT, WEB_CONCURRENCY, ALLOWED_HOSTS,\n"
    "BOOKSTORE_TEMPLATES, BOOKSTORE_STATIC_ROOT, SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS,\n"
    "BOOKSTORE_GRACEFUL_TIMEOUT (see docs/bookstore.md).\n";

std::string ProgramPath(const char* argv0) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n > 0) return std::string(buf, static_cast<size_t>(n));
  return argv0 != nullptr ? argv0 : "";
}

void Say(const std::string& line) {
  std::string text = line + "\n";
  ssize_t ignored = write(STDOUT_FILENO, text.data(), text.size());
  (void)ignored;
}

void Warn(const std::string& line) {
  std::fprintf(stderr, "bookstore: warning: %s\n", line.c_str());
}

absl::StatusOr<std::unique_ptr<StaticFiles>> LoadStatic(const Settings& settings) {
  StaticOptions options;
  options.root = settings.static_root;
  options.url_prefix = settings.static_url;
  options.max_age = settings.debug ? 0 : 60;
  absl::StatusOr<std::unique_ptr<StaticFiles>> files = StaticFiles::Load(options);
  if (absl::IsNotFound(files.status())) {
    // WhiteNoise warns and serves the app without static files.
    Warn(absl::StrCat("no static files: ", files.status().message()));
    return StaticFiles::Empty(options);
  }
  return files;
}

AppOptions MakeAppOptions(const Settings& settings) {
  AppOptions options;
  options.debug = settings.debug;
  options.secret_key = settings.secret_key;
  options.security.ssl_redirect = settings.ssl_redirect;
  options.security.hsts_seconds = settings.hsts_seconds;
  options.security.secure_cookies = !settings.debug;
  options.security.allowed_hosts = settings.allowed_hosts;
  return options;
}

void DeployWarnings(const Settings& settings) {
  if (settings.debug) {
    Warn("DEBUG is on: never run this in production");
    return;
  }
  for (const std::string& w : SecretKeyWarnings(settings.secret_key)) Warn(w);
}

absl::Status Serve(const std::vector<std::string>& args, const std::string& program) {
  ASSIGN_OR_RETURN(stowage::Flags flags,
                   stowage::Flags::Parse(
                       args, {stowage::ValueFlag("port", "PORT", "port to bind (default $PORT)"),
                              stowage::ValueFlag("threads", "N", "server threads")}));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("unexpected argument \"", flags.positional()[0], "\""));
  }
  ASSIGN_OR_RETURN(Settings settings,
                   LoadSettings(ProcessEnvironment(), program, /*require_secret=*/true));
  ASSIGN_OR_RETURN(long long port, flags.GetInt("port", settings.port));
  ASSIGN_OR_RETURN(long long threads, flags.GetInt("threads", settings.threads));
  if (port < 0 || port > 65535) return absl::InvalidArgumentError("--port must be 0..65535");
  if (threads < 1 || threads > 1024) return absl::InvalidArgumentError("--threads must be 1..1024");
  DeployWarnings(settings);

  ASSIGN_OR_RETURN(DatabaseConfig database, ParseDatabaseUrl(settings.database_url));
  ASSIGN_OR_RETURN(Templates templates, Templates::Load(settings.templates_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<StaticFiles> static_files, LoadStatic(settings));
  // One connection per worker thread at most: a worker handles one request at a time.
  ASSIGN_OR_RETURN(std::unique_ptr<BookStore> store,
                   BookStore::Open(database, static_cast<int>(threads), OpenMode::kExisting));
  if (database.engine == Engine::kSqlite && database.name == ":memory:") {
    // Nothing else can migrate a database that lives only in this process.
    RETURN_IF_ERROR(store->Migrate().status());
  } else {
    absl::StatusOr<std::vector<std::string>> pending = store->PendingMigrations();
    if (pending.ok() && !pending->empty()) {
      Warn(absl::StrCat("unapplied migrations (", absl::StrJoin(*pending, ", "),
                        "): run `bookstore migrate`"));
    }
  }

  BookStoreCatalog catalog(store.get());
  App app(MakeAppOptions(settings), &catalog, &templates, static_files.get());
  ServerOptions options;
  options.port = static_cast<int>(port);
  options.threads = static_cast<int>(threads);
  options.graceful_timeout_seconds = settings.graceful_timeout_seconds;

  // Signals are taken synchronously by this thread; workers inherit the blocked mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // sendfile to a closed socket must not kill the process

  Server server(&app, static_files.get(), options);
  RETURN_IF_ERROR(server.Start());
  Say(absl::StrCat("bookstore: listening on 0.0.0.0:", server.port(), " (", threads,
                   " threads, DEBUG ", settings.debug ? "on" : "off", ", database ",
                   database.Describe(), ", ", static_files->files().size(), " static files from ",
                   settings.static_root, ", templates from ", settings.templates_dir, ")"));
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  Say(absl::StrCat("bookstore: ", signal_number == SIGTERM ? "SIGTERM" : "SIGINT",
                   ": finishing in-flight requests"));
  bool drained = server.Shutdown();
  Say(drained ? "bookstore: stopped"
              : "bookstore: stopped (requests still running at the graceful timeout)");
  return absl::OkStatus();
}

absl::Status Migrate(const std::vector<std::string>& args, const std::string& program) {
  if (!args.empty()) return absl::InvalidArgumentError("migrate takes no arguments");
  ASSIGN_OR_RETURN(Settings settings,
                   LoadSettings(ProcessEnvironment(), program, /*require_secret=*/false));
  ASSIGN_OR_RETURN(DatabaseConfig database, ParseDatabaseUrl(settings.database_url));
  ASSIGN_OR_RETURN(std::unique_ptr<BookStore> store,
                   BookStore::Open(database, 1, OpenMode::kCreate));
  ASSIGN_OR_RETURN(std::vector<std::string> applied, store->Migrate());
  if (applied.empty()) {
    Say(absl::StrCat("bookstore: ", database.Describe(), ": no migrations to apply"));
  }
  for (const std::string& name : applied) {
    Say(absl::StrCat("bookstore: ", database.Describe(), ": applied ", name));
  }
  return absl::OkStatus();
}

absl::Status Check(const std::vector<std::string>& args, const std::string& program) {
  if (!args.empty()) return absl::InvalidArgumentError("check takes no arguments");
  ASSIGN_OR_RETURN(Settings settings,
                   LoadSettings(ProcessEnvironment(), program, /*require_secret=*/true));
  DeployWarnings(settings);
  ASSIGN_OR_RETURN(DatabaseConfig database, ParseDatabaseUrl(settings.database_url));
  ASSIGN_OR_RETURN(Templates templates, Templates::Load(settings.templates_dir));
  ASSIGN_OR_RETURN(std::unique_ptr<StaticFiles> static_files, LoadStatic(settings));
  Say(absl::StrCat("bookstore: check ok (database ", database.Describe(), ", ",
                   static_files->files().size(), " static files, templates from ",
                   settings.templates_dir, ")"));
  return absl::OkStatus();
}

absl::Status Healthcheck(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(stowage::Flags flags,
                   stowage::Flags::Parse(
                       args, {stowage::ValueFlag("port", "PORT", "port to probe (default $PORT)"),
                              stowage::ValueFlag("timeout", "SECONDS", "probe timeout")}));
  // Only PORT is read: a health probe must not fail over settings it does not use.
  long long env_port = 8000;
  if (const char* port = std::getenv("PORT"); port != nullptr && *port != '\0') {
    if (!absl::SimpleAtoi(port, &env_port))
      return absl::InvalidArgumentError("PORT is not a number");
  }
  ASSIGN_OR_RETURN(long long port, flags.GetInt("port", env_port));
  ASSIGN_OR_RETURN(long long timeout, flags.GetInt("timeout", 3));
  if (port < 1 || port > 65535) return absl::InvalidArgumentError("--port must be 1..65535");
  if (timeout < 1 || timeout > 60) return absl::InvalidArgumentError("--timeout must be 1..60");
  return CheckHealth(static_cast<int>(port), static_cast<int>(timeout));
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "serve";
  if (!args.empty() && args[0].rfind("--", 0) != 0) {
    command = args[0];
    args.erase(args.begin());
  }
  if (command == "help" || command == "--help" ||
      (!args.empty() && (args[0] == "--help" || args[0] == "-h"))) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  std::string program = ProgramPath(argc > 0 ? argv[0] : nullptr);
  absl::Status status;
  if (command == "serve") {
    status = Serve(args, program);
  } else if (command == "migrate") {
    status = Migrate(args, program);
  } else if (command == "check") {
    status = Check(args, program);
  } else if (command == "healthcheck") {
    status = Healthcheck(args);
  } else {
    std::fprintf(stderr, "bookstore: error: unknown command \"%s\"\n%s", command.c_str(), kUsage);
    return 2;
  }
  if (stowage::HelpRequested(status)) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (!status.ok()) {
    std::string message(status.message());
    for (char& c : message) {
      if (c == '\n') c = ' ';
    }
    std::fprintf(stderr, "bookstore: error: %s\n", message.c_str());
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace bookstore

int main(int argc, char** argv) { return bookstore::Main(argc, argv); }
