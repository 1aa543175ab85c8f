// Worker threads: how many a command uses when its flags do not say, and starting them with
// errors as values.
//
// std::thread's constructor throws std::system_error when the system refuses a thread (EAGAIN
// under RLIMIT_NPROC or a cgroup's pids.max, ENOMEM). Uncaught, that aborts the tool and
// leaves temp files behind; every thread stowage starts goes through StartThread instead.
#ifndef STOWAGE_BUILDER_COMMON_THREADS_H_
#define STOWAGE_BUILDER_COMMON_THREADS_H_

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace stowage {

// STOWAGE_THREADS when set to a positive number (Bazel users pass it with --action_env; the
// reproducibility check uses it to prove outputs do not depend on it), else every core.
inline int DefaultThreadCount() {
  if (const char* env = std::getenv("STOWAGE_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

namespace threads_internal {
// Thread starts left before StartThread fails as the system would; negative: no limit.
inline std::atomic<int> starts_allowed_for_testing{-1};
}  // namespace threads_internal

// Tests: the next `n` thread starts succeed and every later one fails with the error the
// system gives under a process limit. FailThreadStartsAfterForTesting(-1) lifts the limit.
inline void FailThreadStartsAfterForTesting(int n) {
  threads_internal::starts_allowed_for_testing = n;
}

// A new thread running `fn`, or ResourceExhausted naming `what` when none can be created.
inline absl::StatusOr<std::thread> StartThread(std::function<void()> fn,
                                               const char* what = "a worker thread") {
  auto refused = [what](const std::string& reason) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "cannot start ", what, ": ", reason,
        " (too many processes or threads for this user: lower --threads or raise the limit)"));
  };
  int allowed = threads_internal::starts_allowed_for_testing.load();
  while (allowed >= 0) {
    if (allowed == 0) return refused("Resource temporarily unavailable");
    if (threads_internal::starts_allowed_for_testing.compare_exchange_weak(allowed, allowed - 1)) {
      break;
    }
  }
  try {
    return std::thread(std::move(fn));
  } catch (const std::system_error& e) {
    return refused(e.code().message());
  }
}

// Threads that are joined together: Join() (or the destructor) waits for every one started,
// so a failure to start the n-th never leaves the others running against freed state.
class ThreadGroup {
 public:
  ThreadGroup() = default;
  ThreadGroup(const ThreadGroup&) = delete;
  ThreadGroup& operator=(const ThreadGroup&) = delete;
  ~ThreadGroup() { Join(); }

  absl::Status Start(std::function<void()> fn, const char* what = "a worker thread") {
    absl::StatusOr<std::thread> t = StartThread(std::move(fn), what);
    if (!t.ok()) return t.status();
    threads_.push_back(*std::move(t));
    return absl::OkStatus();
  }
  size_t size() const { return threads_.size(); }
  void Join() {
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
    threads_.clear();
  }

 private:
  std::vector<std::thread> threads_;
};

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_THREADS_H_
