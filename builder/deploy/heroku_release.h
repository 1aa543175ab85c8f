// Releasing an image on Heroku through the Platform API (what `heroku container:release` does):
// PATCH /apps/<app>/formation with the image id (the config digest), then poll
// GET /apps/<app>/releases until the new release succeeded or failed.
//
// HEROKU_API_KEY is a bearer token: it goes into one header and nowhere else. Every message
// this code produces passes through Redact, so even a server that echoes it back cannot make
// us print it.
#ifndef STOWAGE_BUILDER_DEPLOY_HEROKU_RELEASE_H_
#define STOWAGE_BUILDER_DEPLOY_HEROKU_RELEASE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builder/deploy/http_client.h"

namespace stowage {

constexpr char kHerokuApiUrl[] = "https://api.heroku.com";
constexpr char kDockerManifestV2[] = "application/vnd.docker.distribution.manifest.v2+json";

struct HerokuReleaseOptions {
  std::string api_url = kHerokuApiUrl;
  std::string app;
  std::string process_type = "web";
  std::string image_id;  // the image config digest, as Heroku's CLI sends it
  std::string api_key;
  int max_polls = 150;
  int poll_interval_ms = 2000;
  long request_timeout_ms = 30000;
  std::function<void(int milliseconds)> sleep;
  std::function<void(const std::string& line)> log;
};

struct HerokuRelease {
  long long version = 0;
  std::string status;  // pending, succeeded, failed
  std::string description;
};

// https://..., or http:// only to a loopback host (127.0.0.1, ::1, localhost): the bearer
// token never travels in clear text to another machine.
absl::Status ValidateApiUrl(const std::string& url);
absl::Status ValidateAppName(const std::string& app);
absl::Status ValidateProcessType(const std::string& type);

// Checks the manifest is Docker v2 schema 2 (the only kind Heroku's registry takes) and that
// its config descriptor matches `config`; returns the config digest (the image id).
absl::StatusOr<std::string> HerokuImageId(const std::string& manifest_text,
                                          const std::string& config_bytes);

// {"updates":[{"type":"<process_type>","docker_image":"<image_id>"}]}
std::string FormationPatchBody(const std::string& process_type, const std::string& image_id);

// The newest release in a GET /apps/<app>/releases body; nullopt when there is none.
absl::StatusOr<std::optional<HerokuRelease>> NewestRelease(const std::string& body);

// `text` with every occurrence of `secret` replaced by "[redacted]".
std::string Redact(const std::string& text, const std::string& secret);

// Runs the whole release. Ok only when the new release succeeded; a failed release (its
// release command failed) is an error.
absl::StatusOr<HerokuRelease> ReleaseOnHeroku(HttpClient& http,
                                              const HerokuReleaseOptions& options);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_HEROKU_RELEASE_H_
