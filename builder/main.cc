// The `stowage` tool: one binary, one subcommand per concern (see builder/cli/command.h).
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <string>

#include "builder/cli/command.h"
#include "builder/common/temp_cleanup.h"
#include "builder/net/server_text.h"

namespace {

// Errors are values everywhere in stowage; this is the last resort for a bug that lets an
// exception through anyway. It still ends in one error line and exit 1, never an abort
// with a core dump and a C++ runtime message.
void ReportInternalError(const char* what) {
  std::fprintf(stderr, "stowage: error: internal error: %s\n",
               stowage::net::SafeForTerminal(what != nullptr ? what : "unknown exception").c_str());
  std::fflush(stderr);
}

// Exceptions that escape a worker thread never reach main's catch: std::terminate runs.
[[noreturn]] void OnTerminate() {
  if (std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      ReportInternalError(e.what());
    } catch (...) {
      ReportInternalError("unknown exception");
    }
  } else {
    ReportInternalError("std::terminate without an exception");
  }
  // No destructor runs from here: outputs still being written leave no temporary behind.
  stowage::RemoveRegisteredTemporaries();
  std::_Exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  std::set_terminate(OnTerminate);
  try {
    return stowage::RunMain(argc, argv);
  } catch (const std::bad_alloc&) {
    ReportInternalError("out of memory");
  } catch (const std::exception& e) {
    ReportInternalError(e.what());
  } catch (...) {
    ReportInternalError("unknown exception");
  }
  return 1;
}
