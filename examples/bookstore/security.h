// The security settings of the Django deployment checklist (`manage.py check --deploy`), as
// decisions on a request: host validation, HTTPS redirect behind a proxy, response headers and
// cookie attributes.
//
// Trust model: the server never terminates TLS; it sits behind a router (Heroku, a load
// balancer, a reverse proxy) that does and that sets `X-Forwarded-Proto`. Like Django with
// SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https"), a request is secure exactly
// when the first value of that header is "https". With the SSL redirect on (production), any
// other request -- header "http", or no header at all, i.e. plain HTTP straight to the
// process -- gets a 301 to https://<host><path>, except the exempt health path (/healthz) that
// platform and container health checks call directly over HTTP.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_SECURITY_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_SECURITY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "examples/bookstore/http_types.h"

namespace bookstore {

struct SecurityPolicy {
  bool ssl_redirect = false;
  // Strict-Transport-Security on secure responses; 0 disables it.
  int hsts_seconds = 0;
  bool hsts_include_subdomains = true;
  bool hsts_preload = true;
  bool secure_cookies = false;
  // ALLOWED_HOSTS: "*" (any), ".example.com" (the domain and its subdomains) or exact names.
  std::vector<std::string> allowed_hosts = {"*"};
  // Paths answered over plain HTTP even with ssl_redirect, and without host validation.
  std::vector<std::string> exempt_paths = {"/healthz"};
};

// True when the proxy says the client used HTTPS.
bool IsSecureRequest(const Request& request);

// The host name (with port) from the Host header, if it is well-formed and allowed;
// nullopt means "400 Bad Request" (Django's DisallowedHost).
absl::optional<std::string> ValidatedHost(const SecurityPolicy& policy, const Request& request);

bool IsExemptPath(const SecurityPolicy& policy, absl::string_view path);

// The https:// URL to redirect to, or nullopt when the request may proceed.
absl::optional<std::string> SslRedirectTarget(const SecurityPolicy& policy, const Request& request,
                                              absl::string_view host);

// Adds the headers of Django's SecurityMiddleware and XFrameOptionsMiddleware:
// X-Content-Type-Options, Referrer-Policy, Cross-Origin-Opener-Policy, X-Frame-Options and,
// for secure requests, Strict-Transport-Security.
void AddSecurityHeaders(const SecurityPolicy& policy, bool secure, Headers* headers);

// "; Path=/; Max-Age=...; SameSite=Lax; HttpOnly[; Secure]" for Set-Cookie.
std::string CookieAttributes(const SecurityPolicy& policy, int max_age_seconds);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_SECURITY_H_
