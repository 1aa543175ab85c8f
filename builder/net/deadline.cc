#include "builder/net/deadline.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "builder/net/server_text.h"

namespace stowage {
namespace net {

Deadline::Deadline() : end_unix_nanos_(kNever), budget_nanos_(kNever) {}

Deadline::Deadline(absl::Duration budget, std::string flag, bool extendable)
    : end_unix_nanos_(absl::ToUnixNanos(absl::Now() + budget)),
      budget_nanos_(absl::ToInt64Nanoseconds(budget)),
      flag_(std::move(flag)),
      extendable_(extendable) {}

bool Deadline::IsSet() const { return end_unix_nanos_.load() != kNever; }

absl::Duration Deadline::Remaining() const {
  int64_t end = end_unix_nanos_.load();
  if (end == kNever) return absl::InfiniteDuration();
  return std::max(absl::ZeroDuration(), absl::FromUnixNanos(end) - absl::Now());
}

bool Deadline::Expired() const { return IsSet() && Remaining() <= absl::ZeroDuration(); }

absl::Duration Deadline::budget() const {
  int64_t b = budget_nanos_.load();
  return b == kNever ? absl::InfiniteDuration() : absl::Nanoseconds(b);
}

void Deadline::ExtendBy(absl::Duration more) {
  if (!extendable_ || !IsSet() || more <= absl::ZeroDuration()) return;
  int64_t add = absl::ToInt64Nanoseconds(more);
  end_unix_nanos_.fetch_add(add);
  budget_nanos_.fetch_add(add);
}

std::string Deadline::Describe() const {
  if (!IsSet()) return "no deadline";
  return absl::StrCat("the ", ShortDuration(budget()), " deadline (", flag_, ")");
}

absl::Status Deadline::Exceeded(absl::string_view what) const {
  return absl::DeadlineExceededError(
      absl::StrCat(what, ": not finished before ", Describe(),
                   extendable_ ? "; raise it with --timeout for slow links or large images" : ""));
}

absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view text, absl::string_view flag) {
  absl::Duration d;
  double seconds = 0;
  if (absl::SimpleAtod(text, &seconds)) {
    if (!std::isfinite(seconds)) {
      return absl::InvalidArgumentError(absl::StrCat(flag, " must be a finite duration"));
    }
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(text, &d)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " \"", SafeForTerminal(text),
                                                   "\": want a duration like 90s, 10m or 1h"));
  }
  if (d <= absl::ZeroDuration() || d > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError(absl::StrCat(flag, " must be positive and at most 168h"));
  }
  return d;
}

std::string ShortDuration(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return "unlimited";
  // absl prints "10m0s" and "1h0m0s": drop the zero parts a person would not write.
  std::string s = absl::FormatDuration(d);
  if (absl::EndsWith(s, "m0s")) s = s.substr(0, s.size() - 2);
  if (absl::EndsWith(s, "h0m")) s = s.substr(0, s.size() - 2);
  return s;
}

}  // namespace net
}  // namespace stowage
