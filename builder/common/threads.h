// How many worker threads a command uses when its flags do not say.
#ifndef STOWAGE_BUILDER_COMMON_THREADS_H_
#define STOWAGE_BUILDER_COMMON_THREADS_H_

#include <algorithm>
#include <cstdlib>
#include <thread>

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

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_THREADS_H_
