// Helpers shared by the fuzz targets: turning one fuzz input into the several pieces a parser
// takes (a header and a body, a manifest and its config, ...), so seeds stay readable files.
#ifndef STOWAGE_TESTS_FUZZ_FUZZ_INPUT_H_
#define STOWAGE_TESTS_FUZZ_FUZZ_INPUT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace stowage {
namespace fuzz {

// Pieces are separated by a line holding only "@@@": "a\n@@@\nb" gives {"a", "b"}. Always
// exactly `count` pieces: missing ones are empty and the last one keeps any further
// separators, so every input maps to some call.
std::vector<std::string> SplitInput(const uint8_t* data, size_t size, size_t count);

// Reports a broken invariant (a property the code promises, beyond "does not crash") with the
// input that broke it and aborts, so libFuzzer and the replay runner both count it as a crash.
[[noreturn]] void InvariantFailed(const std::string& what, const std::string& detail);

// With STOWAGE_FUZZ_DEBUG set, prints how far an input got ("stage: status"): the way to
// check that a new seed reaches the code it is meant for rather than an early error.
void Trace(const char* stage, const absl::Status& status);

// A directory of its own under $TEST_TMPDIR (or $TMPDIR), made once per process and emptied
// by the caller between inputs; for parsers that take file paths.
const std::string& ScratchDir();

// Writes `bytes` to `path` (truncating); aborts on failure (the harness itself is broken).
void WriteFileOrDie(const std::string& path, const std::string& bytes);

// Removes everything inside `dir`, leaving `dir` itself.
void EmptyDir(const std::string& dir);

}  // namespace fuzz
}  // namespace stowage

#endif  // STOWAGE_TESTS_FUZZ_FUZZ_INPUT_H_
