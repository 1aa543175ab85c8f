// Retry policy: which failures are worth retrying and how long to wait between attempts
// (exponential backoff with full jitter, bounded in count and in total time; Retry-After wins).
#ifndef STOWAGE_BUILDER_REGISTRY_RETRY_H_
#define STOWAGE_BUILDER_REGISTRY_RETRY_H_

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "builder/net/deadline.h"

namespace stowage {
namespace registry {

struct RetryPolicy {
  int max_retries = 5;  // attempts after the first
  absl::Duration initial_delay = absl::Milliseconds(200);
  absl::Duration max_delay = absl::Seconds(10);   // cap for one wait
  absl::Duration max_total = absl::Seconds(120);  // cap for all waits of one operation
  // The command's overall deadline (--timeout): no retry starts when its wait would not end
  // before it. Not owned; nullptr for none.
  const net::Deadline* deadline = nullptr;
};

// Status codes a registry returns for a passing problem: 429 and every 5xx except 501/505
// (which will not change on retry).
bool IsRetryableHttpStatus(long status);

// Connection-level failures (the transport maps refused, reset, dropped and stalled
// connections to UNAVAILABLE). DEADLINE_EXCEEDED (the --timeout deadline passed) is final.
bool IsRetryableStatus(const absl::Status& status);

// Parses Retry-After: delta-seconds or an HTTP-date (IMF-fixdate), relative to `now`.
std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now);

// Tracks one operation's retries. NextDelay() returns the wait before the next attempt, or
// nullopt when the attempts, the total wait budget or the time left before the deadline are
// used up.
class Backoff {
 public:
  explicit Backoff(const RetryPolicy& policy, uint64_t seed = std::random_device{}());

  // `retry_after`, when the server sent one, replaces the computed delay (still bounded by
  // the remaining total budget: a server asking for more than that ends the retries).
  std::optional<absl::Duration> NextDelay(std::optional<absl::Duration> retry_after = std::nullopt);
  int retries() const { return retries_; }
  // " (gave up after 2 retries)", or with the reason when the deadline ended them, for the
  // end of an error message.
  std::string GaveUp() const;

 private:
  RetryPolicy policy_;
  std::mt19937_64 rng_;
  int retries_ = 0;
  absl::Duration waited_ = absl::ZeroDuration();
  bool stopped_by_deadline_ = false;
};

// Sleeps for `d` in small steps; returns false early when `cancelled` becomes true.
bool SleepUnlessCancelled(absl::Duration d, const std::atomic<bool>* cancelled);

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_RETRY_H_
