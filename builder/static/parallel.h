// A bounded parallel loop: fn(i) for every i in [0, n) on a few threads. Work is claimed by
// index and each index writes only its own slot, so results never depend on scheduling or on
// the thread count.
#ifndef STOWAGE_BUILDER_STATIC_PARALLEL_H_
#define STOWAGE_BUILDER_STATIC_PARALLEL_H_

#include <atomic>
#include <functional>
#include <vector>

#include "absl/status/status.h"
#include "builder/common/threads.h"

namespace stowage {

// `threads` <= 0 means one per core. Returns the error of the lowest failing index.
inline absl::Status ParallelFor(size_t n, int threads,
                                const std::function<absl::Status(size_t)>& fn) {
  if (threads <= 0) threads = DefaultThreadCount();
  size_t workers = std::min<size_t>(static_cast<size_t>(threads), n);
  std::vector<absl::Status> statuses(n);
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto work = [&] {
    for (size_t i = next++; i < n && !failed; i = next++) {
      statuses[i] = fn(i);
      if (!statuses[i].ok()) failed = true;
    }
  };
  ThreadGroup pool;
  absl::Status started;
  for (size_t t = 1; t < workers && started.ok(); ++t) started = pool.Start(work);
  if (!started.ok()) failed = true;  // the workers already running stop at their next index
  if (started.ok() && workers > 0) work();
  pool.Join();
  if (!started.ok()) return started;
  for (const absl::Status& s : statuses) {
    if (!s.ok()) return s;
  }
  return absl::OkStatus();
}

}  // namespace stowage

#endif  // STOWAGE_BUILDER_STATIC_PARALLEL_H_
