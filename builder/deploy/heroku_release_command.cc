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

const std::vector<FlagDef> kFlags = {
    ValueFlag("app", "NAME", "Heroku app name (HEROKU_API_KEY comes from the environment)"),
    PathFlag("manifest", "FILE", "the pushed image's manifest"),
    PathFlag("config", "FILE", "the pushed image's config (its digest is the image ID)"),
    ValueFlag("process-type", "TYPE", "process type to release (default web)"),
    ValueFlag("api-url", "URL", "Platform API base URL (default: Heroku's)"),
    ValueFlag("max-polls", "N", "status polls before giving up on a pending release (default 150)"),
    ValueFlag("poll-interval-ms", "MS", "wait between status polls (default 2000)"),
    ValueFlag("timeout-ms", "MS", "timeout of each API request (default 30000)"),
    ValueFlag("timeout", "DURATION", "the whole release must end within this (default 10m)"),
};

constexpr absl::Duration kDefaultReleaseTimeout = absl::Minutes(10);

absl::Status HerokuReleaseMain(const std::vector<std::string>& args) {
  ASSIGN_OR_RETURN(Flags flags, Flags::Parse(args, kFlags));
  if (!flags.positional().empty()) {
    return absl::InvalidArgumentError(
        "stowage heroku-release takes no arguments (stowage heroku-release --help)");
  }
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
