// Heuristics that tell whether a name or a value looks like a secret.
//
// Used by the generators (which refuse to write secrets into committed manifests) and by
// `stowage check` (which reports them in images and manifests). A reason never quotes the
// value: messages built from it are safe to print.
#ifndef STOWAGE_BUILDER_DEPLOY_SECRETS_H_
#define STOWAGE_BUILDER_DEPLOY_SECRETS_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace stowage {

// Why a variable or label name looks like it holds a secret, e.g. "SECRET_KEY",
// "DB_PASSWORD", "GITHUB_TOKEN", "HEROKU_API_KEY", "com.example.api-token"; nullopt otherwise.
// Rule: split the upper-cased name on '_', '-', '.'; secret when a part is SECRET(S),
// PASSWORD(S), PASSWD, PASS, PWD, TOKEN(S), APIKEY, CREDENTIAL(S), or the last part is KEY
// (but not PUBLIC_KEY, GPG_KEY or PGP_KEY: public keys and fingerprints).
std::optional<std::string> SecretNameReason(absl::string_view name);

// Why a value looks like a secret; nullopt otherwise. Recognised: an AWS access key id, a
// PEM private key, a URL with a password in it (an interpolation such as ${DB_PASSWORD} as
// the password is not a literal secret), a Django generated key (django-insecure-...),
// well-known token prefixes (ghp_, github_pat_, glpat-, xoxb-, sk_live_...), and a
// high-entropy run (see IsHighEntropyRun). Interpolations are judged by what the file spells
// out: the names and the default, alternate and message words of ${NAME:-word} and the like.
std::optional<std::string> SecretValueReason(absl::string_view value);

// Shannon entropy of the byte distribution of `s`, in bits per character.
double ShannonEntropy(absl::string_view s);

// A run (maximal substring without whitespace, ':', '.', ',', ';', '/', '?', '"', '\'') is
// high-entropy when it has at least 20 characters, is not only hex digits (digests), mixes at
// least two of {lower, upper, digit, symbol} and its entropy is at least
// min(4.0, 0.9 * log2(length)) bits per character: random keys, not words or identifiers.
bool IsHighEntropyRun(absl::string_view run);

// True when `value` is an interpolation reference and nothing else: ${NAME}, ${NAME:?msg},
// $NAME. Such a value names a secret supplied at run time; it is not one.
bool IsInterpolationOnly(absl::string_view value);

}  // namespace stowage

#endif  // STOWAGE_BUILDER_DEPLOY_SECRETS_H_
