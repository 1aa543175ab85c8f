#include "builder/deploy/image_ref.h"

#include "absl/strings/str_cat.h"
#include "builder/common/json_access.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "builder/common/status_macros.h"
#include "re2/re2.h"

namespace stowage {

absl::Status ValidateRepository(const std::string& repository) {
  // distribution-spec name components, optionally behind a registry host[:port].
  // RE2: linear in the input, no recursion (std::regex overflowed the stack on long values).
  static const LazyRE2 kRepository = {
      R"((([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]+)?/)?)"
      R"([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*)"};
  if (repository.size() > 255 || !RE2::FullMatch(repository, *kRepository)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "invalid repository \"", repository,
        "\": want [host[:port]/]name with lower-case name components, and no tag or digest"));
  }
  return absl::OkStatus();
}

absl::Status ValidateTag(const std::string& tag) {
  static const LazyRE2 kTag = {R"([A-Za-z0-9_][A-Za-z0-9._-]{0,127})"};
  if (!RE2::FullMatch(tag, *kTag)) {
    return absl::InvalidArgumentError(absl::StrCat("invalid tag \"", tag, "\""));
  }
  return absl::OkStatus();
}

absl::Status ValidateSha256Digest(const std::string& digest) {
  static const LazyRE2 kDigest = {R"(sha256:[a-f0-9]{64})"};
  if (!RE2::FullMatch(digest, *kDigest)) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid digest \"", digest, "\": want sha256: and 64 lower-case hex digits"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadDescriptorDigest(const std::string& path) {
  ASSIGN_OR_RETURN(nlohmann::json descriptor, ReadJsonFile(path, limits::kMaxDescriptorBytes));
  ASSIGN_OR_RETURN(std::string digest, JsonView(descriptor, path).RequiredString("digest"));
  absl::Status valid = ValidateSha256Digest(digest);
  if (!valid.ok())
    return absl::InvalidArgumentError(absl::StrCat(valid.message(), " (", path, ")"));
  return digest;
}

}  // namespace stowage
