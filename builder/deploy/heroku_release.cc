#include "builder/deploy/heroku_release.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "builder/deploy/image_ref.h"
#include "builder/digest/sha256.h"
#include "builder/net/server_text.h"
#include "builder/net/url.h"
#include "nlohmann/json.hpp"

namespace stowage {
namespace {

constexpr char kAcceptDockerReleases[] = "application/vnd.heroku+json; version=3.docker-releases";
constexpr char kAcceptV3[] = "application/vnd.heroku+json; version=3";
// Heroku's list endpoints page with Range; newest first is all we need.
constexpr char kReleasesRange[] = "version ..; order=desc, max=10";
// We ask for 10; a list longer than this is refused.
constexpr size_t kMaxReleasesRead = 1000;

std::string TrimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// "(status 401: unauthorized: Invalid credentials provided.)" from Heroku's error JSON, the
// server's words escaped; anything that is not that JSON leaves the status alone.
std::string DescribeApiError(const net::HttpResponse& response) {
  std::string detail = absl::StrCat("status ", response.status);
  absl::StatusOr<nlohmann::json> parsed = ParseJson(response.body, "the API's error");
  nlohmann::json body = parsed.ok() ? *std::move(parsed) : nlohmann::json();
  if (body.is_object()) {
    for (const char* field : {"id", "message"}) {
      auto it = body.find(field);
      if (it != body.end() && it->is_string()) {
        absl::StrAppend(&detail, ": ", net::ServerText(it->get_ref<const std::string&>(), 300));
      }
    }
  }
  return detail;
}

class HerokuApi {
 public:
  HerokuApi(net::HttpClient& http, const HerokuReleaseOptions& options, net::Origin origin)
      : http_(http), options_(options), base_(TrimSlash(options.api_url)), origin_(origin) {}

  absl::StatusOr<net::HttpResponse> Call(const std::string& method, const std::string& path,
                                         const std::string& accept, const std::string& body,
                                         bool ranged) {
    net::HttpRequest request;
    request.method = method;
    request.url = base_ + path;
    request.headers = {{"Accept", accept}};
    // Bound to the API's origin: nothing else ever receives it.
    request.credential = net::Credential{absl::StrCat("Bearer ", options_.api_key), origin_};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (ranged) request.headers.emplace_back("Range", kReleasesRange);
    request.body = body;
    request.timeout = absl::Milliseconds(options_.request_timeout_ms);
    request.max_body_bytes = kMaxHerokuApiAnswerBytes;
    absl::StatusOr<net::HttpResponse> response = http_.Send(request);
    if (!response.ok()) return Redacted(response.status());
    if (response->status < 200 || response->status > 299) {
      return Redacted(absl::FailedPreconditionError(absl::StrCat(
          "Heroku API ", method, " ", path, " failed (", DescribeApiError(*response), ")")));
    }
    return response;
  }

  absl::Status Redacted(const absl::Status& status) const {
    return absl::Status(status.code(), Redact(std::string(status.message()), options_.api_key));
  }

  absl::StatusOr<std::optional<HerokuRelease>> Newest() {
    ASSIGN_OR_RETURN(net::HttpResponse response,
                     Call("GET", absl::StrCat("/apps/", options_.app, "/releases"), kAcceptV3, "",
                          /*ranged=*/true));
    absl::StatusOr<std::optional<HerokuRelease>> newest = NewestRelease(response.body);
    if (!newest.ok()) return Redacted(newest.status());
    return newest;
  }

 private:
  net::HttpClient& http_;
  const HerokuReleaseOptions& options_;
  std::string base_;
  net::Origin origin_;
};

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

absl::Status ValidateApiUrl(const std::string& url) {
  absl::StatusOr<net::Url> parsed = net::ParseUrl(url, "API URL");
  if (!parsed.ok()) return parsed.status();
  if (parsed->origin.scheme == "https" || parsed->IsLoopback()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("API URL \"", net::RedactUrl(url),
                   "\" must be https:// (plain http only to 127.0.0.1, ::1 or localhost)"));
}

absl::Status ValidateAppName(const std::string& app) {
  // [a-z][a-z0-9-]{2,29}, checked by hand: linear whatever the length.
  bool ok = app.size() >= 3 && app.size() <= 30 && app[0] >= 'a' && app[0] <= 'z' &&
            std::all_of(app.begin(), app.end(), [](char c) { return IsLowerAlnum(c) || c == '-'; });
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid Heroku app name \"", net::ServerText(app, 100),
                     "\": 3 to 30 lower-case letters, digits and dashes"));
  }
  return absl::OkStatus();
}

absl::Status ValidateProcessType(const std::string& type) {
  // [a-z0-9][a-z0-9_-]*, at most 100 characters.
  bool ok = !type.empty() && type.size() <= 100 && IsLowerAlnum(type[0]) &&
            std::all_of(type.begin(), type.end(),
                        [](char c) { return IsLowerAlnum(c) || c == '_' || c == '-'; });
  if (!ok) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid process type \"", net::ServerText(type, 100), "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HerokuImageId(const std::string& manifest_text,
                                          const std::string& config_bytes) {
  ASSIGN_OR_RETURN(nlohmann::json document,
                   ParseJson(manifest_text, "the manifest", limits::kMaxManifestBytes));
  JsonView manifest(document, "the manifest");
  ASSIGN_OR_RETURN(std::string media_type, manifest.OptionalString("mediaType"));
  if (media_type != kDockerManifestV2) {
    return absl::InvalidArgumentError(
        absl::StrCat("the manifest's mediaType is \"", net::ServerText(media_type, 200),
                     "\": Heroku's registry accepts only ", kDockerManifestV2,
                     " (build the image with format = \"docker\")"));
  }
  ASSIGN_OR_RETURN(JsonView config, manifest.RequiredObject("config"));
  ASSIGN_OR_RETURN(std::string digest, config.RequiredString("digest"));
  RETURN_IF_ERROR(ValidateSha256Digest(digest));
  if (Sha256Digest(config_bytes) != digest) {
    return absl::InvalidArgumentError(
        "the manifest's config digest does not match the config file: they are not one image");
  }
  return digest;
}

std::string FormationPatchBody(const std::string& process_type, const std::string& image_id) {
  nlohmann::json body = {
      {"updates", nlohmann::json::array({{{"type", process_type}, {"docker_image", image_id}}})}};
  return body.dump();
}

absl::StatusOr<std::optional<HerokuRelease>> NewestRelease(const std::string& body) {
  ASSIGN_OR_RETURN(nlohmann::json document,
                   ParseJson(body, "the releases list", kMaxHerokuApiAnswerBytes));
  JsonView releases(document, "the releases list");
  ASSIGN_OR_RETURN(std::vector<JsonView> items, releases.AsArray(kMaxReleasesRead));
  std::optional<HerokuRelease> newest;
  for (const JsonView& release : items) {
    HerokuRelease r;
    ASSIGN_OR_RETURN(r.version, release.RequiredInt("version", 0, INT64_MAX));
    ASSIGN_OR_RETURN(r.status, release.OptionalString("status", "", 1000));
    ASSIGN_OR_RETURN(r.description, release.OptionalString("description", "", 10000));
    if (!newest || r.version > newest->version) newest = r;
  }
  return newest;
}

std::string Redact(const std::string& text, const std::string& secret) {
  if (secret.empty()) return text;
  return absl::StrReplaceAll(text, {{secret, "[redacted]"}});
}

absl::StatusOr<HerokuRelease> ReleaseOnHeroku(net::HttpClient& http,
                                              const HerokuReleaseOptions& options) {
  RETURN_IF_ERROR(ValidateApiUrl(options.api_url));
  RETURN_IF_ERROR(ValidateAppName(options.app));
  RETURN_IF_ERROR(ValidateProcessType(options.process_type));
  RETURN_IF_ERROR(ValidateSha256Digest(options.image_id));
  if (options.api_key.empty()) {
    return absl::InvalidArgumentError("HEROKU_API_KEY is not set in the environment");
  }
  net::RegisterSecret(options.api_key);
  ASSIGN_OR_RETURN(net::Url api_url, net::ParseUrl(options.api_url, "API URL"));
  auto log = [&](const std::string& line) {
    if (options.log) options.log(Redact(line, options.api_key));
  };
  HerokuApi api(http, options, api_url.origin);

  // The newest release before ours: the new release is the first with a higher version.
  ASSIGN_OR_RETURN(std::optional<HerokuRelease> before, api.Newest());
  long long baseline = before ? before->version : 0;

  log(absl::StrCat("releasing ", options.image_id, " as ", options.process_type, " on ",
                   options.app));
  RETURN_IF_ERROR(api.Call("PATCH", absl::StrCat("/apps/", options.app, "/formation"),
                           kAcceptDockerReleases,
                           FormationPatchBody(options.process_type, options.image_id),
                           /*ranged=*/false)
                      .status());

  std::string last_reported;
  for (int poll = 0; poll < options.max_polls; ++poll) {
    ASSIGN_OR_RETURN(std::optional<HerokuRelease> newest, api.Newest());
    if (newest && newest->version > baseline) {
      std::string state =
          absl::StrCat("release v", newest->version, ": ", net::ServerText(newest->status, 100));
      if (state != last_reported) log(state);
      last_reported = state;
      if (newest->status == "succeeded") return *newest;
      if (newest->status == "failed") {
        return absl::AbortedError(absl::StrCat(
            "release v", newest->version, " failed: release command failed (see `heroku ",
            "releases:output ", newest->version, " -a ", options.app, "`)"));
      }
    }
    if (poll + 1 < options.max_polls && options.deadline != nullptr &&
        options.deadline->Remaining() <= absl::Milliseconds(options.poll_interval_ms)) {
      return options.deadline->Exceeded(absl::StrCat("release of ", options.app));
    }
    if (options.sleep && poll + 1 < options.max_polls) options.sleep(options.poll_interval_ms);
  }
  return absl::DeadlineExceededError(
      absl::StrCat("no new release of ", options.app, " finished after ", options.max_polls,
                   " polls; check `heroku releases -a ", options.app, "`"));
}

}  // namespace stowage
