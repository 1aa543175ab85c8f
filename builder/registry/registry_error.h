// Turns a registry's error response into one readable status.
#ifndef STOWAGE_BUILDER_REGISTRY_REGISTRY_ERROR_H_
#define STOWAGE_BUILDER_REGISTRY_REGISTRY_ERROR_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace stowage {
namespace registry {

// `what` says what we were doing ("PUT manifest 127.0.0.1:5000/app:v1"). The body, when it is
// the spec's {"errors":[{"code","message","detail"}]}, becomes "CODE: message (detail)"; other
// bodies are quoted briefly (first line, at most 200 characters). Server text is escaped and
// credential-shaped values redacted (net::ServerText); fields of any JSON type are accepted
// without exceptions. The status code maps to an
// absl code: 401/403 PERMISSION_DENIED, 404 NOT_FOUND, 429 and 5xx UNAVAILABLE, others
// FAILED_PRECONDITION / INVALID_ARGUMENT.
absl::Status RegistryError(long http_status, absl::string_view body, absl::string_view what);

// Only the "CODE: message; CODE2: message2" part, empty when the body is not error JSON.
std::string DescribeErrorBody(absl::string_view body);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_REGISTRY_ERROR_H_
