#include "builder/digest/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/status_macros.h"

namespace stowage {

struct Sha256::State {
  EVP_MD_CTX* ctx = nullptr;
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  state_->ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(state_->ctx); }

void Sha256::Update(const void* data, size_t size) {
  if (size > 0) EVP_DigestUpdate(state_->ctx, data, size);
}

std::string Sha256::FinalHex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(state_->ctx, md, &len);
  return absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(md), len));
}

std::string Sha256::Final() { return "sha256:" + FinalHex(); }

std::string Sha256Digest(absl::string_view data) {
  Sha256 h;
  h.Update(data);
  return h.Final();
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  ASSIGN_OR_RETURN(FILE * f, OpenRegularFileStream(path));
  Sha256 h;
  std::vector<char> buf(1 << 20);
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), f)) > 0) h.Update(buf.data(), n);
  bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return ErrnoStatus("cannot read", path);
  return h.Final();
}

absl::Status ValidateDigest(absl::string_view digest) {
  size_t colon = digest.find(':');
  if (colon == absl::string_view::npos || colon == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid digest \"", digest, "\": want algorithm:hex"));
  }
  absl::string_view alg = digest.substr(0, colon);
  absl::string_view hex = digest.substr(colon + 1);
  if (alg != "sha256") {
    return absl::InvalidArgumentError(
        absl::StrCat("unsupported digest algorithm \"", alg, "\" in ", digest));
  }
  if (hex.size() != 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid digest \"", digest, "\": sha256 needs 64 hex digits"));
  }
  for (char c : hex) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("invalid digest \"", digest, "\": only lowercase hex is allowed"));
    }
  }
  return absl::OkStatus();
}

absl::string_view DigestHex(absl::string_view digest) {
  size_t colon = digest.find(':');
  return colon == absl::string_view::npos ? digest : digest.substr(colon + 1);
}

}  // namespace stowage
