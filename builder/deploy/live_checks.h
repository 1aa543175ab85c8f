// Live checks of `stowage check --url`: the headers and redirects Django's `check --deploy`
// settings produce, observed on a running site (as PonyCheckup does from outside).
//
// Three requests, all to the site of the given URL, no redirects followed:
//  1. the URL as HTTPS: for an http:// URL (a local app behind a TLS-terminating proxy, as on
//     Heroku) with "X-Forwarded-Proto: https"; for an https:// URL, the URL itself;
//  2. the URL as plain HTTP: "X-Forwarded-Proto: http" to an http:// URL; for an https:// URL,
//     the same host (default port) and path over http://;
//  3. a path that cannot exist (/stowage-check-404-probe/) as HTTPS, for the 404 page.
// The site's text (header values, Locations, cookie names) is quoted escaped and capped in
// findings (net::ServerText); bodies are read up to kMaxCheckedBodyBytes.
#ifndef STOWAGE_BUILDER_DEPLOY_LIVE_CHECKS_H_
#define STOWAGE_BUILDER_DEPLOY_LIVE_CHECKS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "builder/deploy/findings.h"
#include "builder/net/http.h"

namespace stowage {

constexpr char kNotFoundProbePath[] = "/stowage-check-404-probe/";
// How much of a page the checks read (the debug-page markers are near the top).
inline constexpr size_t kMaxCheckedBodyBytes = 1 << 20;

struct LiveCheckOptions {
  std::string url;
  long timeout_ms = 10000;
  // Django's CSRF cookie is read by JavaScript in some setups, so Django does not set HttpOnly
  // on it by default (CSRF_COOKIE_HTTPONLY = False): it is exempt from STW111, not from STW110.
  std::string csrf_cookie_name = "csrftoken";
};

struct SiteObservations {
  std::string url;
  absl::StatusOr<net::HttpResponse> secure = absl::UnknownError("not fetched");
  absl::StatusOr<net::HttpResponse> insecure = absl::UnknownError("not fetched");
  absl::StatusOr<net::HttpResponse> not_found = absl::UnknownError("not fetched");
  bool insecure_is_separate_url = false;  // request 2 went to http:// of an https:// URL
};

// Validates the URL (http or https, a host, no user info; parsed with libcurl's URL API) and
// splits it.
struct SiteUrl {
  std::string scheme;     // http or https
  std::string authority;  // host[:port]
  std::string path;       // starts with '/'
};
absl::StatusOr<SiteUrl> ParseSiteUrl(const std::string& url);

SiteObservations ObserveSite(net::HttpClient& http, const LiveCheckOptions& options);
std::vector<Finding> AnalyzeSite(const SiteObservations& site, const LiveCheckOptions& options);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_LIVE_CHECKS_H_
