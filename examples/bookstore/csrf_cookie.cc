#include "examples/bookstore/csrf_cookie.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace bookstore {
namespace {

constexpr absl::string_view kAlphabet =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr size_t kTokenLength = 32;

}  // namespace

std::string CsrfSigner::Sign(absl::string_view token) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_length = 0;
  // The salt keeps this signature from being valid for any other use of the key.
  std::string message = absl::StrCat("bookstore.csrftoken:", token);
  HMAC(EVP_sha256(), key_.data(), static_cast<int>(key_.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac, &mac_length);
  std::string signature;
  absl::WebSafeBase64Escape(absl::string_view(reinterpret_cast<const char*>(mac), mac_length),
                            &signature);
  return signature;
}

std::string CsrfSigner::NewValue() const {
  std::string token;
  while (token.size() < kTokenLength) {
    unsigned char random[kTokenLength];
    if (RAND_bytes(random, sizeof(random)) != 1) std::abort();  // no entropy: never guess
    for (unsigned char byte : random) {
      // Rejection sampling keeps every character equally likely (248 = 4 * 62).
      if (byte < 248 && token.size() < kTokenLength) {
        token.push_back(kAlphabet[byte % kAlphabet.size()]);
      }
    }
  }
  return absl::StrCat(token, ".", Sign(token));
}

bool CsrfSigner::Verify(absl::string_view value) const {
  size_t dot = value.find('.');
  if (dot != kTokenLength) return false;
  absl::string_view token = value.substr(0, dot);
  for (char c : token) {
    if (!absl::ascii_isalnum(c)) return false;
  }
  std::string expected = Sign(token);
  absl::string_view given = value.substr(dot + 1);
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

absl::optional<absl::string_view> FindCookie(absl::string_view cookie_header,
                                             absl::string_view name) {
  for (absl::string_view pair : absl::StrSplit(cookie_header, ';')) {
    pair = absl::StripAsciiWhitespace(pair);
    size_t eq = pair.find('=');
    if (eq == absl::string_view::npos) continue;
    if (absl::StripAsciiWhitespace(pair.substr(0, eq)) == name) {
      return absl::StripAsciiWhitespace(pair.substr(eq + 1));
    }
  }
  return absl::nullopt;
}

}  // namespace bookstore
