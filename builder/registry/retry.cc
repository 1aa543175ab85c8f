#include "builder/registry/retry.h"

#include <algorithm>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace stowage {
namespace registry {

bool IsRetryableHttpStatus(long status) {
  if (status == 429) return true;
  return status >= 500 && status <= 599 && status != 501 && status != 505;
}

bool IsRetryableStatus(const absl::Status& status) { return absl::IsUnavailable(status); }

std::optional<absl::Duration> ParseRetryAfter(absl::string_view value, absl::Time now) {
  value = absl::StripAsciiWhitespace(value);
  if (value.empty()) return std::nullopt;
  int64_t seconds;
  if (absl::SimpleAtoi(value, &seconds)) {
    if (seconds < 0) return std::nullopt;
    return absl::Seconds(seconds);
  }
  absl::Time when;
  std::string err;
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT", std::string(value), absl::UTCTimeZone(), &when,
                      &err)) {
    return std::max(absl::ZeroDuration(), when - now);
  }
  return std::nullopt;
}

Backoff::Backoff(const RetryPolicy& policy, uint64_t seed) : policy_(policy), rng_(seed) {}

std::optional<absl::Duration> Backoff::NextDelay(std::optional<absl::Duration> retry_after) {
  if (retries_ >= policy_.max_retries) return std::nullopt;
  absl::Duration remaining = policy_.max_total - waited_;
  // A wait that ends at the deadline leaves no time for the attempt after it.
  const absl::Duration before_deadline =
      policy_.deadline != nullptr ? policy_.deadline->Remaining() : absl::InfiniteDuration();
  absl::Duration delay;
  if (retry_after.has_value()) {
    if (*retry_after > remaining) return std::nullopt;
    if (*retry_after >= before_deadline) {
      stopped_by_deadline_ = true;
      return std::nullopt;
    }
    delay = *retry_after;
  } else {
    // Full jitter: uniform in [ceiling/2, ceiling], ceiling = initial * 2^retries, capped.
    // Half the ceiling as a floor keeps retries from bunching at zero.
    absl::Duration ceiling = policy_.initial_delay;
    for (int i = 0; i < retries_ && ceiling < policy_.max_delay; ++i) ceiling *= 2;
    ceiling = std::min(ceiling, policy_.max_delay);
    std::uniform_real_distribution<double> unit(0.5, 1.0);
    delay = ceiling * unit(rng_);
    if (delay > remaining) {
      if (remaining <= absl::ZeroDuration()) return std::nullopt;
      delay = remaining;
    }
    if (delay >= before_deadline) {
      stopped_by_deadline_ = true;
      return std::nullopt;
    }
  }
  ++retries_;
  waited_ += delay;
  return delay;
}

std::string Backoff::GaveUp() const {
  std::string out = absl::StrCat(" (gave up after ", retries_, " retries");
  if (stopped_by_deadline_) {
    absl::StrAppend(&out, ": no time left for another before ", policy_.deadline->Describe());
  }
  return out + ")";
}

bool SleepUnlessCancelled(absl::Duration d, const std::atomic<bool>* cancelled) {
  absl::Time end = absl::Now() + d;
  while (true) {
    if (cancelled != nullptr && cancelled->load()) return false;
    absl::Duration left = end - absl::Now();
    if (left <= absl::ZeroDuration()) return true;
    absl::SleepFor(std::min(left, absl::Milliseconds(50)));
  }
}

}  // namespace registry
}  // namespace stowage
