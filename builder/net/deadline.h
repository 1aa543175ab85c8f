// The overall time limit of one network operation (`--timeout`): every request, retry wait and
// poll of a push, pull, release or live check ends by it, so a server that stalls or drips
// cannot keep the tool alive, whatever the retry settings say.
#ifndef STOWAGE_BUILDER_NET_DEADLINE_H_
#define STOWAGE_BUILDER_NET_DEADLINE_H_

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace stowage {
namespace net {

class Deadline {
 public:
  // No limit.
  Deadline();
  // Ends `budget` from now. `flag` names where it came from in messages ("--timeout").
  // An `extendable` deadline (a default the user did not choose) may grow with the work the
  // operation turns out to have (ExtendBy); one the user set never does.
  Deadline(absl::Duration budget, std::string flag, bool extendable);

  Deadline(const Deadline&) = delete;
  Deadline& operator=(const Deadline&) = delete;

  bool IsSet() const;
  absl::Duration Remaining() const;  // InfiniteDuration() when not set; never negative
  bool Expired() const;
  absl::Duration budget() const;
  // Adds `more` to an extendable deadline; does nothing otherwise. Thread-safe.
  void ExtendBy(absl::Duration more);

  // "the 10m deadline (--timeout)" for messages.
  std::string Describe() const;
  // DEADLINE_EXCEEDED: "<what>: <detail> before the 10m deadline (--timeout 10m; raise it for
  // slow links)".
  absl::Status Exceeded(absl::string_view what) const;

 private:
  static constexpr int64_t kNever = INT64_MAX;
  std::atomic<int64_t> end_unix_nanos_;
  std::atomic<int64_t> budget_nanos_;
  std::string flag_;
  bool extendable_ = false;
};

// Parses a duration flag: "90s", "10m", "1h30m", "500ms" (absl::ParseDuration) or a plain
// number of seconds; must be positive and at most 7 days.
absl::StatusOr<absl::Duration> ParseTimeout(absl::string_view text, absl::string_view flag);

// "10m", "1m30s", "2.5s": short, for messages.
std::string ShortDuration(absl::Duration d);

}  // namespace net
}  // namespace stowage

#endif  // STOWAGE_BUILDER_NET_DEADLINE_H_
