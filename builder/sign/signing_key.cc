#include "builder/sign/signing_key.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "builder/common/capped_read.h"
#include "builder/common/status_macros.h"

namespace stowage {
namespace sign {
namespace {

// Overwrites a string that held key material or a passphrase before it is freed.
class Scrubbed {
 public:
  Scrubbed() = default;
  explicit Scrubbed(std::string s) : s_(std::move(s)) {}
  Scrubbed(const Scrubbed&) = delete;
  Scrubbed& operator=(const Scrubbed&) = delete;
  ~Scrubbed() {
    if (!s_.empty()) OPENSSL_cleanse(&s_[0], s_.size());
  }
  std::string& get() { return s_; }

 private:
  std::string s_;
};

struct BioDeleter {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

struct Passphrase {
  absl::string_view text;
  bool given = false;
  bool asked = false;  // OpenSSL wanted one: the key is encrypted
};

// OpenSSL's password callback: hands over the passphrase (never prompts on a terminal).
int PassphraseCallback(char* buf, int size, int /*rwflag*/, void* user) {
  auto* p = static_cast<Passphrase*>(user);
  p->asked = true;
  if (!p->given || p->text.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, p->text.data(), p->text.size());
  return static_cast<int>(p->text.size());
}

absl::Status CheckP256(EVP_PKEY* key, absl::string_view where) {
  if (EVP_PKEY_base_id(key) != EVP_PKEY_EC) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " is not an ECDSA key (cosign signatures use ECDSA P-256)"));
  }
  char curve[64] = {0};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), &len) != 1 ||
      (std::string(curve, len) != "prime256v1" && std::string(curve, len) != "P-256")) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, " is an EC key on another curve than P-256 (prime256v1)"));
  }
  return absl::OkStatus();
}

}  // namespace

void EvpPkeyDeleter::operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }

std::string KeySource::Describe() const {
  return file.empty() ? absl::StrCat("the key in $", env) : absl::StrCat("key file ", file);
}

absl::StatusOr<std::string> SigningKey::PublicKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    ERR_clear_error();
    return absl::InternalError("cannot write the public key as PEM");
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

absl::StatusOr<SigningKey> ParseSigningKey(absl::string_view pem, absl::string_view passphrase,
                                           bool has_passphrase, absl::string_view where) {
  if (pem.find("ENCRYPTED SIGSTORE PRIVATE KEY") != absl::string_view::npos ||
      pem.find("ENCRYPTED COSIGN PRIVATE KEY") != absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        where,
        " is in cosign's own encrypted format, which stowage cannot read; use a PKCS#8 PEM key "
        "(openssl pkcs8 -topk8 -v2 aes-256-cbc for an encrypted one), see docs/supply-chain.md"));
  }
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return absl::ResourceExhaustedError("cannot allocate a memory BIO");
  Passphrase p{passphrase, has_passphrase, false};
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, PassphraseCallback, &p);
  // OpenSSL's error queue can name the PEM line it choked on: never pass it on.
  ERR_clear_error();
  if (raw == nullptr) {
    if (p.asked && !has_passphrase) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, " is encrypted and no passphrase was given (--key-passphrase-env)"));
    }
    if (p.asked) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": wrong passphrase"));
    }
    return absl::InvalidArgumentError(
        absl::StrCat(where,
                     " holds no PEM private key (PRIVATE KEY, ENCRYPTED PRIVATE KEY or "
                     "EC PRIVATE KEY)"));
  }
  PkeyPtr key(raw);
  RETURN_IF_ERROR(CheckP256(key.get(), where));
  return SigningKey(std::move(key));
}

absl::StatusOr<SigningKey> LoadSigningKey(const KeySource& source) {
  if (source.file.empty() == source.env.empty()) {
    return absl::InvalidArgumentError("give the signing key as a file or a variable, not both");
  }
  Scrubbed pem;
  if (!source.file.empty()) {
    ASSIGN_OR_RETURN(pem.get(), ReadFileCapped(source.file, kMaxKeyBytes));
  } else {
    const char* v = std::getenv(source.env.c_str());
    if (v == nullptr || *v == '\0') {
      return absl::InvalidArgumentError(absl::StrCat("$", source.env, " is not set or empty"));
    }
    if (std::strlen(v) > kMaxKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("$", source.env, " is longer than ", kMaxKeyBytes, " bytes: not a key"));
    }
    pem.get() = v;
  }
  Scrubbed passphrase;
  bool has_passphrase = false;
  if (!source.passphrase_env.empty()) {
    const char* v = std::getenv(source.passphrase_env.c_str());
    if (v != nullptr) {
      passphrase.get() = v;
      has_passphrase = true;
    }
  }
  return ParseSigningKey(pem.get(), passphrase.get(), has_passphrase, source.Describe());
}

absl::StatusOr<PublicKey> ParsePublicKey(absl::string_view pem, absl::string_view where) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return absl::ResourceExhaustedError("cannot allocate a memory BIO");
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  ERR_clear_error();
  if (raw == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(where, " holds no PEM public key"));
  }
  PkeyPtr key(raw);
  RETURN_IF_ERROR(CheckP256(key.get(), where));
  return PublicKey(std::move(key));
}

absl::StatusOr<PublicKey> LoadPublicKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string pem, ReadFileCapped(path, kMaxKeyBytes));
  return ParsePublicKey(pem, absl::StrCat("public key file ", path));
}

}  // namespace sign
}  // namespace stowage
