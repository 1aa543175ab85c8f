// SHA-256 (OpenSSL, SHA-NI accelerated where the CPU has it) and OCI digest strings.
#ifndef STOWAGE_BUILDER_DIGEST_SHA256_H_
#define STOWAGE_BUILDER_DIGEST_SHA256_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace stowage {

// Incremental SHA-256. Final() returns "sha256:<64 lowercase hex>".
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  void Update(absl::string_view data) { Update(data.data(), data.size()); }
  std::string Final();
  std::string FinalHex();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// "sha256:<hex>" of a byte string.
std::string Sha256Digest(absl::string_view data);

// "sha256:<hex>" of a file's contents, streamed.
absl::StatusOr<std::string> Sha256OfFile(const std::string& path);

// Checks the OCI digest grammar; for sha256, exactly 64 lowercase hex digits.
absl::Status ValidateDigest(absl::string_view digest);

// The hex part of "sha256:<hex>" (assumes a validated digest).
absl::string_view DigestHex(absl::string_view digest);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DIGEST_SHA256_H_
