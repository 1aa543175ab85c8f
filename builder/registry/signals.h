// SIGINT/SIGTERM turn into a cancel flag that transfers and waits poll, so an interrupted
// push can cancel its upload sessions before exiting. A second signal kills as usual.
#ifndef STOWAGE_BUILDER_REGISTRY_SIGNALS_H_
#define STOWAGE_BUILDER_REGISTRY_SIGNALS_H_

#include <atomic>

namespace stowage {
namespace registry {

// Installs the handlers (once) and returns the flag they set.
const std::atomic<bool>* InstallInterruptFlag();

}  // namespace registry
}  // namespace stowage

#endif  // STOWAGE_BUILDER_REGISTRY_SIGNALS_H_
