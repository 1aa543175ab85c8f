// Releasing an image on Heroku through the Platform API (what `heroku container:release` does):
// PATCH /apps/<app>/formation with the image id (the config digest), then poll
// GET /apps/<app>/releases until the new release succeeded or failed.
//
// HEROKU_API_KEY is a bearer token bound to the API URL's origin (net::Credential): it goes
// into one header of requests to that origin and nowhere else. It is registered as a secret
// (net::RegisterSecret) and every message this code produces passes through Redact, so even a
// server that echoes it back cannot make us print it; server text is quoted escaped.
#ifndef STOWAGE_BUILDER_DEPLOY_HEROKU_RELEASE_H_
#define STOWAGE_BUILDER_DEPLOY_HEROKU_RELEASE_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "builder/net/deadline.h"
#include "builder/net/http.h"

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
  // The whole release (requests and polls) ends by this; nullptr for none. Not owned.
  const net::Deadline* deadline = nullptr;
  std::function<void(int milliseconds)> sleep;
  std::function<void(const std::string& line)> log;
};

struct HerokuRelease {
  long long version = 0;
  std::string status;  // pending, succeeded, failed
  std::string description;
};

// https://..., or http:// only to a loopback host (127.0.0.0/8, ::1, localhost), parsed with
// libcurl's URL API (no user info): the bearer token never travels in clear text to another
// machine.
absl::Status ValidateApiUrl(const std::string& url);
absl::Status ValidateAppName(const std::string& app);
absl::Status ValidateProcessType(const std::string& type);

// Checks the manifest is Docker v2 schema 2 (the only kind Heroku's registry takes) and that
// its config descriptor matches `config`; returns the config digest (the image id).
absl::StatusOr<std::string> HerokuImageId(const std::string& manifest_text,
                                          const std::string& config_bytes);

// A Platform API answer longer than this fails the request.
inline constexpr size_t kMaxHerokuApiAnswerBytes = 4 << 20;

// {"updates":[{"type":"<process_type>","docker_image":"<image_id>"}]}
std::string FormationPatchBody(const std::string& process_type, const std::string& image_id);

// The newest release in a GET /apps/<app>/releases body; nullopt when there is none. Wrong
// JSON types are errors, never exceptions; status and description are kept as sent (quote
// them through net::ServerText).
absl::StatusOr<std::optional<HerokuRelease>> NewestRelease(const std::string& body);

// `text` with every occurrence of `secret` replaced by "[redacted]".
std::string Redact(const std::string& text, const std::string& secret);

// Runs the whole release. Ok only when the new release succeeded; a failed release (its
// release command failed) is an error.
absl::StatusOr<HerokuRelease> ReleaseOnHeroku(net::HttpClient& http,
                                              const HerokuReleaseOptions& options);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_HEROKU_RELEASE_H_
