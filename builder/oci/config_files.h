// The text-file forms of image settings that rules_oci accepts, so a BUILD file written for
// rules_oci works with only its load line changed (docs/migrating-from-rules_oci.md), and the
// image creation time in all its forms.
#ifndef STOWAGE_BUILDER_OCI_CONFIG_FILES_H_
#define STOWAGE_BUILDER_OCI_CONFIG_FILES_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace stowage {
namespace oci {

// "KEY=VALUE" per line (env, labels, annotations); the value may hold "="; blank lines are
// skipped. A line without "=" or with an empty key is an error naming `where` and the line.
absl::StatusOr<std::map<std::string, std::string>> ParseKeyValueLines(const std::string& text,
                                                                      const std::string& where);

// One element per line (entrypoint, cmd); blank lines are skipped and "%5Cn" stands for a
// newline inside an element (rules_oci's write_file escape).
std::vector<std::string> ParseLineList(const std::string& text);

// Comma-separated (exposed_ports, volumes); whitespace around each element is dropped.
std::vector<std::string> ParseCommaList(const std::string& text);

// The config's `created` from what the user wrote, after stamping: Unix seconds become RFC 3339
// ("1700000000" -> "2023-11-14T22:13:20Z"); an RFC 3339 date-time is kept as written. A
// placeholder left unstamped ("{BUILD_TIMESTAMP}") or anything else is an error naming `where`.
absl::StatusOr<std::string> ParseCreated(const std::string& text, const std::string& where);

}  // namespace oci
}  // namespace stowage

#endif  // STOWAGE_BUILDER_OCI_CONFIG_FILES_H_
