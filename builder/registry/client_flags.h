// Flags shared by `stowage push` and `stowage pull`: TLS, retries, deadline, verbosity.
#ifndef STOWAGE_BUILDER_REGISTRY_CLIENT_FLAGS_H_
#define STOWAGE_BUILDER_REGISTRY_CLIENT_FLAGS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "builder/cli/command.h"
#include "builder/registry/client.h"

namespace stowage {
namespace registry {

// Flag names (for Flags::Parse) that ClientOptionsFromFlags reads.
inline const std::vector<std::string> kClientFlags = {
    "insecure!",      "ca-cert", "verbose!",         "retries",
    "retry-max-time", "timeout", "allow-upload-host"};

// Without --timeout, a push or pull must end within this, plus TransferAllowance() of the
// bytes it has to move.
inline constexpr absl::Duration kDefaultRegistryTimeout = absl::Minutes(10);

// --insecure, --ca-cert, --verbose, --retries (default 5), --retry-max-time (seconds, default
// 120), --timeout (a duration; default kDefaultRegistryTimeout, extendable), repeated
// --allow-upload-host HOST[:PORT]; installs the SIGINT/SIGTERM cancel flag. `scheme` comes from
// the repository reference.
absl::StatusOr<ClientOptions> ClientOptionsFromFlags(const Flags& flags, const std::string& scheme);

// A positive integer flag.
absl::StatusOr<int64_t> PositiveInt(const Flags& flags, const std::string& name, int64_t fallback);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_CLIENT_FLAGS_H_
