// Temporary outputs that must not outlive the process. Normal failures remove their temporaries
// through destructors (AtomicFile, OutputDirectory); this registry covers the paths where no
// destructor runs: a fatal signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT) and SIGABRT, which is where
// std::terminate ends (an exception nobody caught, such as std::system_error from a thread that
// could not be created). The handler removes every registered temporary with async-signal-safe
// system calls only, then lets the signal take its default action.
//
// Handlers are installed once, only for signals whose action is still the default: a command
// that turns SIGINT/SIGTERM into a cancel flag (push, pull) keeps its own, and its cancellation
// unwinds through the destructors above.
#ifndef STOWAGE_BUILDER_COMMON_TEMP_CLEANUP_H_
#define STOWAGE_BUILDER_COMMON_TEMP_CLEANUP_H_

#include <string>

namespace stowage {

// Temporaries registered at once; more are still removed by destructors, just not on a signal.
constexpr int kMaxRegisteredTemporaries = 64;

// Registers `path` (a file, or a directory removed with everything in it) and returns a handle
// for UnregisterTemporary, or -1 when the registry is full or the path too long.
int RegisterTemporary(const std::string& path, bool is_directory);

// Forgets a registration (the temporary was renamed into place or removed). -1 is ignored.
void UnregisterTemporary(int handle);

// Removes every registered temporary now, with async-signal-safe calls only: for a last-resort
// exit that runs no destructor (a std::terminate handler that ends the process with _Exit).
void RemoveRegisteredTemporaries();

}  // namespace stowage

#endif  // STOWAGE_BUILDER_COMMON_TEMP_CLEANUP_H_
