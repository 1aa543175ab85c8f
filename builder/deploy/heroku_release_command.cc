// `stowage heroku-release`: releases a pushed image on Heroku through the Platform API.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "absl/strings/str_cat.h"
#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"
#include "builder/deploy/heroku_release.h"
#include "builder/net/deadline.h"
#include "builder/net/http.h"

namespace stowage {
namespace {

constexpr char kUsage[] =
    "usage: stowage heroku-release --app APP --manifest MANIFEST --config CONFIG "
    "[--process-type web] [--api-url URL] [--max-polls N] [--poll-interval-ms MS] "
    "[--timeout-ms MS (one request)] [--timeout DURATION (the whole release, 10m)] "
    "(HEROKU_API_KEY in the environment)";

constexpr absl::Duration kDefaultReleaseTimeout = absl::Minutes(10);

absl::Status HerokuReleaseMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags,
                   Flags::Parse(args, {"app", "manifest", "config", "process-type", "api-url",
                                       "max-polls", "poll-interval-ms", "timeout-ms", "timeout"}));
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

  absl::Duration budget = kDefaultReleaseTimeout;
  if (flags.Has("timeout")) {
    ASSIGN_OR_RETURN(budget, net::ParseTimeout(flags.Get("timeout"), "--timeout"));
  }
  net::Deadline deadline(budget, absl::StrCat("--timeout ", net::ShortDuration(budget)),
                         /*extendable=*/false);
  options.deadline = &deadline;
  net::TransportOptions transport;
  transport.plain_http = net::PlainHttp::kLoopbackOnly;  // the API key is on every request
  transport.plain_http_flag = "";
  transport.deadline = &deadline;
  net::CurlHttpClient http(transport);
  ASSIGN_OR_RETURN(HerokuRelease release, ReleaseOnHeroku(http, options));
  std::printf("heroku-release: %s is live as v%lld\n", options.app.c_str(), release.version);
  return absl::OkStatus();
}

}  // namespace

STOWAGE_REGISTER_COMMAND("heroku-release", "release a pushed image through the Heroku Platform API",
                         HerokuReleaseMain);

}  // namespace stowage
