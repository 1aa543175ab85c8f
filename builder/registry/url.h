// Registry references: "host[:port]/name" parsing, tag grammar, and which hosts may use plain
// HTTP. URLs themselves (parsing, origins, Location resolution) are builder/net/url.h.
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

// True for 127.0.0.0/8, ::1 and localhost (with or without a port; "[::1]:5000" or "::1"): the
// only hosts that may be reached over plain HTTP without --insecure. Parsed by libcurl's URL
// API (net::IsLoopbackHost), so "127.0.0.1@other.example" is not loopback.
bool IsLoopbackHost(absl::string_view host_and_port);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_URL_H_
