#include "builder/sign/ecdsa.h"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <memory>

namespace stowage {
namespace sign {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

// A DER ECDSA P-256 signature is at most 72 bytes; anything much longer is not one.
constexpr size_t kMaxSignatureBytes = 256;

}  // namespace

absl::StatusOr<std::string> SignBytes(const SigningKey& key, absl::string_view data) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("ECDSA signing failed (OpenSSL)");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(&sig[0]), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    ERR_clear_error();
    return absl::InternalError("ECDSA signing failed (OpenSSL)");
  }
  sig.resize(len);
  return sig;
}

absl::Status VerifyBytes(const PublicKey& key, absl::string_view data,
                         absl::string_view signature) {
  if (signature.empty() || signature.size() > kMaxSignatureBytes) {
    return absl::PermissionDeniedError("the signature is not an ECDSA P-256 signature");
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1) {
    ERR_clear_error();
    return absl::InternalError("ECDSA verification could not start (OpenSSL)");
  }
  int ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  ERR_clear_error();
  if (ok != 1) return absl::PermissionDeniedError("the signature does not verify with the key");
  return absl::OkStatus();
}

}  // namespace sign
}  // namespace stowage
