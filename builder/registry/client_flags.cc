#include "builder/registry/client_flags.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "builder/common/status_macros.h"
#include "builder/net/deadline.h"
#include "builder/net/url.h"
#include "builder/registry/signals.h"

namespace stowage {
namespace registry {

std::vector<FlagDef> WithClientFlags(std::vector<FlagDef> own) {
  own.insert(own.end(), kClientFlags.begin(), kClientFlags.end());
  return own;
}

absl::StatusOr<int64_t> PositiveInt(const Flags& flags, const std::string& name, int64_t fallback) {
  ASSIGN_OR_RETURN(long long v, flags.GetInt(name, fallback));
  if (v <= 0) return absl::InvalidArgumentError(absl::StrCat("--", name, " must be positive"));
  // Every caller narrows or multiplies the value; nothing sane is larger.
  if (v > (int64_t{1} << 40)) {
    return absl::InvalidArgumentError(absl::StrCat("--", name, " is too large"));
  }
  return static_cast<int64_t>(v);
}

absl::StatusOr<ClientOptions> ClientOptionsFromFlags(const Flags& flags,
                                                     const std::string& scheme) {
  ClientOptions o;
  o.insecure = flags.Has("insecure");
  o.ca_cert = flags.Get("ca-cert");
  o.verbose = flags.Has("verbose");
  o.scheme = scheme;
  ASSIGN_OR_RETURN(long long retries, flags.GetInt("retries", 5, 0, 1000));
  o.retry.max_retries = static_cast<int>(retries);
  ASSIGN_OR_RETURN(int64_t max_time, PositiveInt(flags, "retry-max-time", 120));
  o.retry.max_total = absl::Seconds(max_time);
  if (flags.Has("timeout")) {
    ASSIGN_OR_RETURN(absl::Duration timeout, net::ParseTimeout(flags.Get("timeout"), "--timeout"));
    o.deadline = std::make_shared<net::Deadline>(
        timeout, absl::StrCat("--timeout ", net::ShortDuration(timeout)), /*extendable=*/false);
  } else {
    o.deadline = std::make_shared<net::Deadline>(kDefaultRegistryTimeout, "the default --timeout",
                                                 /*extendable=*/true);
  }
  o.retry.deadline = o.deadline.get();
  for (const std::string& host : flags.GetAll("allow-upload-host")) {
    if (!net::ParseUrl("https://" + host + "/").ok() || host.find('/') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--allow-upload-host \"", host, "\": want HOST or HOST:PORT"));
    }
    o.allowed_upload_hosts.push_back(host);
  }
  if (!o.ca_cert.empty() && access(o.ca_cert.c_str(), R_OK) != 0) {
    return absl::NotFoundError("cannot read --ca-cert " + o.ca_cert);
  }
  o.cancelled = InstallInterruptFlag();
  return o;
}

}  // namespace registry
}  // namespace stowage
