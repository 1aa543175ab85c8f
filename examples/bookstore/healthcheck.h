// `bookstore healthcheck`: asks a running server for /healthz over loopback, for container
// health checks in images that have no curl or wget (Compose `healthcheck: test: [CMD, ...]`).
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_HEALTHCHECK_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_HEALTHCHECK_H_

#include "absl/status/status.h"

namespace bookstore {

// GET http://127.0.0.1:<port>/healthz; OK only for a 200 within `timeout_seconds`.
absl::Status CheckHealth(int port, int timeout_seconds);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_HEALTHCHECK_H_
