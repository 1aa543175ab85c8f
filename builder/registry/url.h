// Registry references and URL handling: "host[:port]/name" parsing, which scheme a host gets,
// and RFC 3986 resolution of the Location headers a registry returns.
#ifndef STOWAGE_BUILDER_REGISTRY_URL_H_
#define STOWAGE_BUILDER_REGISTRY_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace registry {

// A repository on a registry: "127.0.0.1:5000/team/app" -> host "127.0.0.1:5000",
// name "team/app".
struct RepositoryRef {
  std::string host;  // host[:port], as written (used as the credentials key)
  std::string name;  // repository path, distribution-spec name grammar

  std::string ToString() const { return host + "/" + name; }
};

// Parses "host[:port]/name". The first path component is always the registry host (there is
// no implicit default registry). An optional "http://" or "https://" prefix is accepted and
// returned in `scheme` (empty when absent). Rejects names outside the distribution-spec
// grammar and any tag or digest suffix.
absl::StatusOr<RepositoryRef> ParseRepository(absl::string_view text,
                                              std::string* scheme = nullptr);

// Checks a tag against [a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}.
absl::Status ValidateTag(absl::string_view tag);

// True for 127.0.0.0/8, ::1 and localhost (with or without a port): the only hosts that may be
// reached over plain HTTP without --insecure.
bool IsLoopbackHost(absl::string_view host_and_port);

// Resolves `location` (absolute URL, absolute path or relative reference) against the URL of
// the request that returned it (RFC 3986 section 5), keeping the location's query.
absl::StatusOr<std::string> ResolveLocation(absl::string_view request_url,
                                            absl::string_view location);

// Appends "key=value" to the URL's query (value percent-encoded), keeping existing parameters.
absl::StatusOr<std::string> AddQueryParameter(absl::string_view url, absl::string_view key,
                                              absl::string_view value);

// Percent-encodes everything outside RFC 3986 unreserved characters.
std::string PercentEncode(absl::string_view value);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_URL_H_
