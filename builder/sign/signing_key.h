// ECDSA P-256 keys for cosign-compatible signatures, through OpenSSL.
//
// A private key comes from a file or from an environment variable (the PEM text itself), in
// PEM: PKCS#8 ("PRIVATE KEY"), PKCS#8 encrypted with a passphrase ("ENCRYPTED PRIVATE KEY",
// `openssl pkcs8 -topk8 -v2 aes-256-cbc`), or SEC1 ("EC PRIVATE KEY"). The passphrase, when
// there is one, comes from an environment variable. cosign's own encrypted format
// ("ENCRYPTED SIGSTORE PRIVATE KEY": scrypt + NaCl secretbox) is not read: OpenSSL has no
// secretbox. Key bytes and passphrases never appear in an error, a log line or an output: the
// errors name only where the key came from.
#ifndef STOWAGE_BUILDER_SIGN_SIGNING_KEY_H_
#define STOWAGE_BUILDER_SIGN_SIGNING_KEY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace stowage {
namespace sign {

// A key file or variable longer than this is not a key.
inline constexpr size_t kMaxKeyBytes = 64 << 10;

struct EvpPkeyDeleter {
  void operator()(EVP_PKEY* key) const;
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyDeleter>;

// Where a private key comes from: exactly one of `file` and `env` is set.
struct KeySource {
  std::string file;            // a path
  std::string env;             // the name of a variable holding the PEM
  std::string passphrase_env;  // the name of a variable holding the passphrase, or ""
  // "key file F" or "key in $VAR", for errors (never the key).
  std::string Describe() const;
};

class SigningKey {
 public:
  explicit SigningKey(PkeyPtr key) : key_(std::move(key)) {}
  EVP_PKEY* get() const { return key_.get(); }
  // The public half as "PUBLIC KEY" PEM (what `cosign public-key` prints).
  absl::StatusOr<std::string> PublicKeyPem() const;

 private:
  PkeyPtr key_;
};

class PublicKey {
 public:
  explicit PublicKey(PkeyPtr key) : key_(std::move(key)) {}
  EVP_PKEY* get() const { return key_.get(); }

 private:
  PkeyPtr key_;
};

// Reads a private key; it must be an EC key on P-256 (prime256v1).
absl::StatusOr<SigningKey> LoadSigningKey(const KeySource& source);
// Parses PEM text of a private key; `where` names it in errors.
absl::StatusOr<SigningKey> ParseSigningKey(absl::string_view pem, absl::string_view passphrase,
                                           bool has_passphrase, absl::string_view where);

// A "PUBLIC KEY" PEM (SubjectPublicKeyInfo) of a P-256 key.
absl::StatusOr<PublicKey> ParsePublicKey(absl::string_view pem, absl::string_view where);
absl::StatusOr<PublicKey> LoadPublicKey(const std::string& path);

}  // namespace sign
}  // namespace stowage

#endif  // STOWAGE_BUILDER_SIGN_SIGNING_KEY_H_
