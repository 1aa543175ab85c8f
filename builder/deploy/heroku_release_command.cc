// `stowage heroku-release`: releases a pushed image on Heroku through the Platform API.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/deploy/heroku_release.h"
#include "builder/deploy/http_client.h"

namespace stowage {
namespace {

constexpr char kUsage[] =
    "usage: stowage heroku-release --app APP --manifest MANIFEST --config CONFIG "
    "[--process-type web] [--api-url URL] [--max-polls N] [--poll-interval-ms MS] "
    "(HEROKU_API_KEY in the environment)";

absl::Status HerokuReleaseMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags,
                   Flags::Parse(args, {"app", "manifest", "config", "process-type", "api-url",
                                       "max-polls", "poll-interval-ms", "timeout-ms"}));
  if (!flags.positional().empty()) return absl::InvalidArgumentError(kUsage);
  HerokuReleaseOptions options;
  ASSIGN_OR_RETURN(options.app, flags.Require("app"));
  ASSIGN_OR_RETURN(std::string manifest_path, flags.Require("manifest"));
  ASSIGN_OR_RETURN(std::string config_path, flags.Require("config"));
  options.process_type = flags.Get("process-type", "web");
  options.api_url = flags.Get("api-url", kHerokuApiUrl);
  ASSIGN_OR_RETURN(long long max_polls, flags.GetInt("max-polls", 150));
  ASSIGN_OR_RETURN(long long interval, flags.GetInt("poll-interval-ms", 2000));
  ASSIGN_OR_RETURN(long long timeout, flags.GetInt("timeout-ms", 30000));
  if (max_polls < 1 || max_polls > 10000 || interval < 0 || interval > 600000 || timeout < 100) {
    return absl::InvalidArgumentError(
        "--max-polls, --poll-interval-ms or --timeout-ms out of range");
  }
  options.max_polls = static_cast<int>(max_polls);
  options.poll_interval_ms = static_cast<int>(interval);
  options.request_timeout_ms = timeout;

  ASSIGN_OR_RETURN(std::string manifest, ReadFile(manifest_path));
  ASSIGN_OR_RETURN(std::string config, ReadFile(config_path));
  ASSIGN_OR_RETURN(options.image_id, HerokuImageId(manifest, config));
  const char* key = std::getenv("HEROKU_API_KEY");
  options.api_key = key ? key : "";
  options.sleep = [](int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); };
  options.log = [](const std::string& line) {
    std::printf("heroku-release: %s\n", line.c_str());
    std::fflush(stdout);
  };

  CurlHttpClient http;
  ASSIGN_OR_RETURN(HerokuRelease release, ReleaseOnHeroku(http, options));
  std::printf("heroku-release: %s is live as v%lld\n", options.app.c_str(), release.version);
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("heroku-release", "release a pushed image through the Heroku Platform API",
                         HerokuReleaseMain);

}  // namespace stowage
