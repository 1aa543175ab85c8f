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

// The flags ClientOptionsFromFlags reads (for Flags::Parse, after a command's own).
inline const std::vector<FlagDef> kClientFlags = {
    SwitchFlag("insecure", "allow plain HTTP and unverified TLS for a non-loopback registry"),
    PathFlag("ca-cert", "FILE", "PEM bundle to trust instead of the system CAs"),
    SwitchFlag("verbose", "print every request (never credentials)"),
    ValueFlag("retries", "N", "retries of a failed request, with backoff (default 5)"),
    ValueFlag("retry-max-time", "SECONDS", "give up retrying a request after this (default 120)"),
    ValueFlag("timeout", "DURATION",
              "the whole push or pull must end within this, e.g. 90s or 10m (default 10m, "
              "extended for large transfers)"),
    ValueFlag("allow-upload-host", "HOST[:PORT]",
              "a host other than the registry that uploads may be redirected to (repeated)"),
};

// `own` followed by kClientFlags.
std::vector<FlagDef> WithClientFlags(std::vector<FlagDef> own);

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
