#include "tests/sign/test_keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <cstdlib>

namespace stowage {
namespace testing {
namespace {

std::string Drain(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string s(data, static_cast<size_t>(n));
  BIO_free(bio);
  return s;
}

EVP_PKEY* Parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) std::abort();
  return key;
}

}  // namespace

TestKey MakeKey(const std::string& curve) {
  EVP_PKEY* key = curve == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048})
                                 : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve.c_str());
  if (key == nullptr) std::abort();
  TestKey out;
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.private_pem = Drain(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  out.public_pem = Drain(bio);
  if (curve != "RSA") {
    bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    out.sec1_pem = Drain(bio);
  }
  EVP_PKEY_free(key);
  return out;
}

std::string EncryptedPem(const TestKey& key, const std::string& passphrase) {
  EVP_PKEY* k = Parse(key.private_pem);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PKCS8PrivateKey(bio, k, EVP_aes_256_cbc(), passphrase.data(),
                                static_cast<int>(passphrase.size()), nullptr, nullptr);
  EVP_PKEY_free(k);
  return Drain(bio);
}

}  // namespace testing
}  // namespace stowage
