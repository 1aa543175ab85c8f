// Keys made fresh by each test (OpenSSL), as PEM text.
#ifndef STOWAGE_TESTS_SIGN_TEST_KEYS_H_
#define STOWAGE_TESTS_SIGN_TEST_KEYS_H_

#include <string>

namespace stowage {
namespace testing {

struct TestKey {
  std::string private_pem;  // PKCS#8 "PRIVATE KEY"
  std::string public_pem;   // "PUBLIC KEY"
  std::string sec1_pem;     // "EC PRIVATE KEY" (empty for RSA)
};

// An EC key on `curve` ("P-256", "P-384"), or RSA when curve is "RSA".
TestKey MakeKey(const std::string& curve = "P-256");
// The PKCS#8 key encrypted with AES-256-CBC under `passphrase`.
std::string EncryptedPem(const TestKey& key, const std::string& passphrase);

}  // namespace testing
}  // namespace stowage

#endif  // STOWAGE_TESTS_SIGN_TEST_KEYS_H_
