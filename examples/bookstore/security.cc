#include "examples/bookstore/security.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace bookstore {
namespace {

// Django's host_validation_re: a name or an IPv6 literal, then an optional port.
bool SplitHost(absl::string_view host, std::string* domain) {
  if (host.empty()) return false;
  absl::string_view name = host;
  absl::string_view port;
  if (host[0] == '[') {
    size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    name = host.substr(0, close + 1);
    absl::string_view after = host.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return false;
      port = after.substr(1);
      if (port.empty()) return false;
    }
    absl::string_view inner = name.substr(1, name.size() - 2);
    if (inner.find(':') == absl::string_view::npos) return false;
    for (char c : inner) {
      if (!absl::ascii_isxdigit(c) && c != ':' && c != '.') return false;
    }
  } else {
    size_t colon = host.rfind(':');
    if (colon != absl::string_view::npos) {
      name = host.substr(0, colon);
      port = host.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (name.empty()) return false;
    for (char c : name) {
      if (!absl::ascii_isalnum(c) && c != '.' && c != '-') return false;
    }
  }
  for (char c : port) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  *domain = absl::AsciiStrToLower(name);
  if (absl::EndsWith(*domain, ".")) domain->pop_back();
  return true;
}

bool HostAllowed(const std::vector<std::string>& allowed, const std::string& domain) {
  for (const std::string& pattern : allowed) {
    if (pattern == "*") return true;
    std::string p = absl::AsciiStrToLower(pattern);
    if (p.size() > 1 && p[0] == '.') {
      if (domain == p.substr(1) || absl::EndsWith(domain, p)) return true;
    } else if (domain == p) {
      return true;
    }
  }
  return false;
}

}  // namespace

bool IsSecureRequest(const Request& request) {
  absl::optional<absl::string_view> proto = request.Header("X-Forwarded-Proto");
  if (!proto.has_value()) return false;
  absl::string_view first = proto->substr(0, proto->find(','));
  return absl::StripAsciiWhitespace(first) == "https";
}

bool IsExemptPath(const SecurityPolicy& policy, absl::string_view path) {
  for (const std::string& exempt : policy.exempt_paths) {
    if (path == exempt) return true;
  }
  return false;
}

absl::optional<std::string> ValidatedHost(const SecurityPolicy& policy, const Request& request) {
  absl::optional<absl::string_view> host = request.Header("Host");
  if (!host.has_value()) return absl::nullopt;
  std::string domain;
  if (!SplitHost(*host, &domain)) return absl::nullopt;
  if (!HostAllowed(policy.allowed_hosts, domain)) return absl::nullopt;
  return std::string(*host);
}

absl::optional<std::string> SslRedirectTarget(const SecurityPolicy& policy, const Request& request,
                                              absl::string_view host) {
  if (!policy.ssl_redirect || IsSecureRequest(request) || IsExemptPath(policy, request.path)) {
    return absl::nullopt;
  }
  std::string target = absl::StrCat("https://", host, request.raw_path);
  if (!request.query.empty()) absl::StrAppend(&target, "?", request.query);
  return target;
}

void AddSecurityHeaders(const SecurityPolicy& policy, bool secure, Headers* headers) {
  if (secure && policy.hsts_seconds > 0) {
    std::string value = absl::StrCat("max-age=", policy.hsts_seconds);
    if (policy.hsts_include_subdomains) absl::StrAppend(&value, "; includeSubDomains");
    if (policy.hsts_preload) absl::StrAppend(&value, "; preload");
    headers->emplace_back("Strict-Transport-Security", std::move(value));
  }
  headers->emplace_back("X-Content-Type-Options", "nosniff");
  headers->emplace_back("Referrer-Policy", "same-origin");
  headers->emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  headers->emplace_back("X-Frame-Options", "DENY");
}

std::string CookieAttributes(const SecurityPolicy& policy, int max_age_seconds) {
  std::string attributes =
      absl::StrCat("; Path=/; Max-Age=", max_age_seconds, "; SameSite=Lax; HttpOnly");
  if (policy.secure_cookies) absl::StrAppend(&attributes, "; Secure");
  return attributes;
}

}  // namespace bookstore
