// Text that came from a server (error bodies, headers, WWW-Authenticate values, token-server
// answers, Location headers) made safe to print in one of our messages or logs.
//
// A hostile or buggy server controls those bytes: echoed raw they can drive the terminal (ANSI
// escapes, title sequences, bidi overrides), forge extra lines, flood the output, or repeat a
// credential the request carried (a token server echoing "Authorization: Basic ..."). Every
// place that quotes server text goes through ServerText(); the CLI's final error line and the
// diagnostics printer go through SafeForTerminal() as a second line of defence.
#ifndef STOWAGE_BUILDER_NET_SERVER_TEXT_H_
#define STOWAGE_BUILDER_NET_SERVER_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace stowage {
namespace net {

// How much of a server's text one message quotes (after escaping).
inline constexpr size_t kMaxQuotedServerText = 300;

// `text` with credentials redacted (RedactCredentials), then control characters, invalid
// UTF-8, C1 controls and bidi overrides escaped (\x1b, \n, \u202e), then capped at `max_bytes`
// (cut at a character boundary, "..." appended). Safe to put between quotes in a message.
std::string ServerText(absl::string_view text, size_t max_bytes = kMaxQuotedServerText);

// Replaces what looks like a credential with "<redacted>": the value after "Basic " or
// "Bearer " (a token68), values of token/password/secret/api_key-like keys ("token":"...",
// access_token=...), JWT-shaped strings (eyJ...x.y.z), and every registered secret. Linear in
// the input.
std::string RedactCredentials(absl::string_view text);

// Registers a secret for this process (a password, an identity token, base64 of user:pass, a
// bearer token we were issued, an API key): from then on no function here lets it through.
// Values shorter than kMinSecretLength are ignored (they would mask ordinary words).
inline constexpr size_t kMinSecretLength = 4;
void RegisterSecret(absl::string_view secret);

// For a line we print ourselves that may embed server text or a secret: registered secrets
// redacted and control characters escaped (newlines become spaces, so it stays one line). No
// pattern redaction (our own words "Bearer challenge" are not credentials) and no cap.
std::string SafeForTerminal(absl::string_view line);

// A header line for --verbose logs: Authorization, Proxy-Authorization, Cookie and Set-Cookie
// values replaced ("Authorization: Bearer <redacted>"), everything else through ServerText.
std::string RedactHeaderLine(absl::string_view header_line);

}  // namespace net
}  // namespace stowage

#endif  // STOWAGE_BUILDER_NET_SERVER_TEXT_H_
