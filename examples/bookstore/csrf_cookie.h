// The `csrftoken` cookie the pages set, like Django's CsrfViewMiddleware: a random token,
// here signed with SECRET_KEY (HMAC-SHA256) so a forged or stale cookie is replaced.
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_CSRF_COOKIE_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_CSRF_COOKIE_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace bookstore {

inline constexpr absl::string_view kCsrfCookieName = "csrftoken";
// Django's CSRF_COOKIE_AGE: one year (in seconds).
inline constexpr int kCsrfCookieAge = 31449600;

class CsrfSigner {
 public:
  explicit CsrfSigner(std::string secret_key) : key_(std::move(secret_key)) {}

  // A fresh "<token>.<signature>" value.
  std::string NewValue() const;
  // True when `value` is "<token>.<signature>" signed with this key.
  bool Verify(absl::string_view value) const;

 private:
  std::string Sign(absl::string_view token) const;
  std::string key_;
};

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or nullopt.
absl::optional<absl::string_view> FindCookie(absl::string_view cookie_header,
                                             absl::string_view name);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_CSRF_COOKIE_H_
