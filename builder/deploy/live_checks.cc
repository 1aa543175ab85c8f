#include "builder/deploy/live_checks.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "builder/net/server_text.h"
#include "builder/net/url.h"

namespace stowage {
namespace {

constexpr long long kOneYear = 31536000;

std::vector<std::string> Directives(const std::string& header, char separator) {
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(header, separator)) {
    std::string token(absl::StripAsciiWhitespace(part));
    if (!token.empty()) out.push_back(token);
  }
  return out;
}

bool IsRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

using net::HttpResponse;

// The site's words in a finding: escaped, capped.
std::string Quote(absl::string_view text) { return net::ServerText(text, 200); }

// The Location, made absolute against the request URL (libcurl's URL API); as sent when it
// does not resolve to an http(s) URL.
std::string AbsoluteLocation(const HttpResponse& response, const SiteUrl& request) {
  std::string location = response.Header("location");
  if (location.empty()) return location;
  absl::StatusOr<net::Url> base =
      net::ParseUrl(absl::StrCat(request.scheme, "://", request.authority, request.path));
  if (!base.ok()) return location;
  absl::StatusOr<net::Url> resolved = net::ResolveUrl(*base, location);
  return resolved.ok() ? resolved->text : location;
}

// True when `text` holds a version number: digits, '.', digits (linear; a regex here
// recursed itself to a crash on a 30 KB Server header).
bool HasVersionNumber(absl::string_view text) {
  for (size_t i = 0; i + 2 < text.size(); ++i) {
    if (absl::ascii_isdigit(text[i]) && text[i + 1] == '.' && absl::ascii_isdigit(text[i + 2])) {
      return true;
    }
  }
  return false;
}

void CheckHsts(const HttpResponse& secure, std::vector<Finding>& findings) {
  if (!secure.HasHeader("strict-transport-security")) {
    findings.push_back(MakeFinding("STW101", "HTTPS response has no Strict-Transport-Security"));
    return;
  }
  std::string hsts = secure.Header("strict-transport-security");
  long long max_age = -1;
  bool subdomains = false, preload = false;
  for (const std::string& directive : Directives(hsts, ';')) {
    std::string lower = absl::AsciiStrToLower(directive);
    if (absl::StartsWith(lower, "max-age=")) {
      std::string value(absl::StripPrefix(lower, "max-age="));
      value = std::string(absl::StripPrefix(absl::StripSuffix(value, "\""), "\""));
      if (!absl::SimpleAtoi(value, &max_age)) max_age = -1;
    } else if (lower == "includesubdomains") {
      subdomains = true;
    } else if (lower == "preload") {
      preload = true;
    }
  }
  if (max_age < kOneYear) {
    findings.push_back(MakeFinding(
        "STW102", absl::StrCat("Strict-Transport-Security max-age is ",
                               max_age < 0 ? std::string("missing") : absl::StrCat(max_age),
                               " (want >= 31536000)")));
  }
  if (!subdomains) {
    findings.push_back(MakeFinding("STW103", "Strict-Transport-Security has no includeSubDomains"));
  }
  if (!preload)
    findings.push_back(MakeFinding("STW104", "Strict-Transport-Security has no preload"));
}

void CheckHeaders(const HttpResponse& secure, std::vector<Finding>& findings) {
  std::string xfo = secure.Header("x-frame-options");
  if (absl::AsciiStrToUpper(absl::StripAsciiWhitespace(xfo)) != "DENY") {
    findings.push_back(MakeFinding(
        "STW108", xfo.empty() ? std::string("no X-Frame-Options header")
                              : absl::StrCat("X-Frame-Options is \"", Quote(xfo), "\"")));
  }
  std::string nosniff = secure.Header("x-content-type-options");
  if (absl::AsciiStrToLower(absl::StripAsciiWhitespace(nosniff)) != "nosniff") {
    findings.push_back(MakeFinding(
        "STW109", nosniff.empty()
                      ? std::string("no X-Content-Type-Options header")
                      : absl::StrCat("X-Content-Type-Options is \"", Quote(nosniff), "\"")));
  }
  // Browsers use the last policy they understand; same-origin and no-referrer never send the
  // URL to another site.
  std::string referrer = secure.Header("referrer-policy");
  std::vector<std::string> policies = Directives(referrer, ',');
  std::string effective = policies.empty() ? "" : absl::AsciiStrToLower(policies.back());
  if (effective != "same-origin" && effective != "no-referrer") {
    findings.push_back(MakeFinding(
        "STW115", referrer.empty() ? std::string("no Referrer-Policy header")
                                   : absl::StrCat("Referrer-Policy is \"", Quote(referrer), "\"")));
  }
  for (const std::string& server : secure.AllHeaders("server")) {
    if (HasVersionNumber(server)) {
      findings.push_back(MakeFinding("STW113", absl::StrCat("Server is \"", Quote(server), "\"")));
      break;
    }
  }
  if (secure.HasHeader("x-powered-by")) {
    findings.push_back(MakeFinding(
        "STW114", absl::StrCat("X-Powered-By is \"", Quote(secure.Header("x-powered-by")), "\"")));
  }
}

void CheckCookies(const std::vector<const HttpResponse*>& responses,
                  const LiveCheckOptions& options, std::vector<Finding>& findings) {
  std::set<std::string> reported_secure, reported_httponly;
  for (const HttpResponse* response : responses) {
    for (const std::string& cookie : response->AllHeaders("set-cookie")) {
      std::vector<std::string> parts = Directives(cookie, ';');
      if (parts.empty()) continue;
      std::string name = Quote(parts[0].substr(0, parts[0].find('=')));
      bool secure = false, httponly = false;
      for (size_t i = 1; i < parts.size(); ++i) {
        std::string attribute = absl::AsciiStrToLower(parts[i].substr(0, parts[i].find('=')));
        attribute = std::string(absl::StripAsciiWhitespace(attribute));
        if (attribute == "secure") secure = true;
        if (attribute == "httponly") httponly = true;
      }
      // The cookie's value is never printed: it may be a session.
      if (!secure && reported_secure.insert(name).second) {
        findings.push_back(MakeFinding("STW110", absl::StrCat("cookie ", name, " has no Secure")));
      }
      if (!httponly && name != options.csrf_cookie_name && reported_httponly.insert(name).second) {
        findings.push_back(
            MakeFinding("STW111", absl::StrCat("cookie ", name, " has no HttpOnly")));
      }
    }
  }
}

void CheckDebugPage(const HttpResponse& not_found, std::vector<Finding>& findings) {
  // Django's technical 404 and 500 pages, and tracebacks in general.
  static const char* const kMarkers[] = {
      "You're seeing this error because you have",
      "You\xE2\x80\x99re seeing this error because you have",
      "DEBUG = True",
      "Using the URLconf defined in",
      "Page not found <span>(404)</span>",
      "Traceback (most recent call last)",
  };
  for (const char* marker : kMarkers) {
    if (absl::StrContains(not_found.body, marker)) {
      findings.push_back(
          MakeFinding("STW112", absl::StrCat("GET ", kNotFoundProbePath, " (status ",
                                             not_found.status, ") shows \"", marker, "\"")));
      return;
    }
  }
}

}  // namespace

absl::StatusOr<SiteUrl> ParseSiteUrl(const std::string& url) {
  absl::StatusOr<net::Url> parsed = net::ParseUrl(url, "--url");
  if (!parsed.ok() || url.find('#') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--url \"", net::ServerText(url, 200), "\" must be http(s)://host[:port][/path]",
        parsed.ok() ? "" : absl::StrCat(" (", parsed.status().message(), ")")));
  }
  SiteUrl site;
  site.scheme = parsed->origin.scheme;
  site.authority = parsed->origin.HostAndPort();
  site.path = parsed->path_and_query;
  return site;
}

SiteObservations ObserveSite(net::HttpClient& http, const LiveCheckOptions& options) {
  SiteObservations site;
  site.url = options.url;
  absl::StatusOr<SiteUrl> parsed = ParseSiteUrl(options.url);
  if (!parsed.ok()) {
    site.secure = site.insecure = site.not_found = parsed.status();
    return site;
  }
  auto get = [&](const std::string& url, const std::string& forwarded_proto) {
    net::HttpRequest request;
    request.url = url;
    request.timeout = absl::Milliseconds(options.timeout_ms);
    request.max_body_bytes = kMaxCheckedBodyBytes;
    request.truncate_body = true;  // the start of a page is what the checks read
    if (!forwarded_proto.empty())
      request.headers.emplace_back("X-Forwarded-Proto", forwarded_proto);
    return http.Send(request);
  };
  const std::string base = absl::StrCat(parsed->scheme, "://", parsed->authority);
  site.secure = get(options.url, "https");
  if (parsed->scheme == "https") {
    // Plain HTTP is on its default port: an explicit port belongs to the TLS listener.
    absl::StatusOr<net::Url> url = net::ParseUrl(options.url);
    std::string host = url.ok() ? url->origin.host : parsed->authority;
    site.insecure = get(absl::StrCat("http://", host, parsed->path), "");
    site.insecure_is_separate_url = true;
  } else {
    site.insecure = get(options.url, "http");
  }
  site.not_found = get(base + kNotFoundProbePath, "https");
  return site;
}

std::vector<Finding> AnalyzeSite(const SiteObservations& site, const LiveCheckOptions& options) {
  std::vector<Finding> findings;
  absl::StatusOr<SiteUrl> url = ParseSiteUrl(site.url);
  if (!url.ok()) return {MakeFinding("STW100", std::string(url.status().message()))};
  if (!site.secure.ok()) {
    return {MakeFinding("STW100", std::string(site.secure.status().message()))};
  }
  const HttpResponse& secure = *site.secure;

  // 1. HTTPS: a redirect to the same place over https is a loop behind the proxy.
  if (IsRedirect(secure.status)) {
    std::string location = AbsoluteLocation(secure, *url);
    // The proxy already spoke HTTPS; sending the client to the same host and path over https
    // again brings it straight back here.
    absl::StatusOr<SiteUrl> target = ParseSiteUrl(location);
    if (target.ok() && target->scheme == "https" && target->authority == url->authority &&
        target->path == url->path) {
      findings.push_back(
          MakeFinding("STW106", absl::StrCat("a request marked X-Forwarded-Proto: https got ",
                                             secure.status, " to ", Quote(location))));
    }
  }
  // Behind a loop the site never answers HTTPS requests with a page: its headers cannot be
  // judged, and reporting each missing one would bury the one problem that matters.
  const bool loop = std::any_of(findings.begin(), findings.end(),
                                [](const Finding& f) { return f.id == "STW106"; });
  if (!loop) {
    CheckHsts(secure, findings);
    CheckHeaders(secure, findings);
  }

  // 2. Plain HTTP must be sent to HTTPS, permanently.
  if (!site.insecure.ok()) {
    if (!site.insecure_is_separate_url) {
      findings.push_back(MakeFinding("STW100", std::string(site.insecure.status().message())));
    }
  } else {
    const HttpResponse& insecure = *site.insecure;
    std::string location = AbsoluteLocation(insecure, *url);
    bool to_https = absl::StartsWith(location, "https://");
    std::string how = site.insecure_is_separate_url ? "plain http://" : "X-Forwarded-Proto: http";
    if (!IsRedirect(insecure.status) || !to_https) {
      findings.push_back(MakeFinding(
          "STW105", absl::StrCat("a request over ", how, " got ", insecure.status,
                                 location.empty() ? "" : absl::StrCat(" to ", Quote(location)),
                                 ", not a redirect to https://")));
    } else if (insecure.status != 301 && insecure.status != 308) {
      findings.push_back(MakeFinding(
          "STW107",
          absl::StrCat("a request over ", how, " got ", insecure.status, " to ", Quote(location))));
    }
  }

  // 3. The 404 page must not be a debug page.
  std::vector<const HttpResponse*> with_cookies = {&secure};
  if (site.not_found.ok()) {
    if (!loop) CheckDebugPage(*site.not_found, findings);
    with_cookies.push_back(&*site.not_found);
  } else {
    findings.push_back(MakeFinding("STW100", std::string(site.not_found.status().message())));
  }
  CheckCookies(with_cookies, options, findings);
  return findings;
}

}  // namespace stowage
