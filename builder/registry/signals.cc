#include "builder/registry/signals.h"

#include <signal.h>

namespace stowage {
namespace registry {
namespace {

std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");

void OnSignal(int) { g_interrupted.store(true); }

}  // namespace

const std::atomic<bool>* InstallInterruptFlag() {
  struct sigaction sa = {};
  sa.sa_handler = OnSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESETHAND;  // the second signal takes the default action
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  return &g_interrupted;
}

}  // namespace registry
}  // namespace stowage
