// Content-coding negotiation for pre-compressed static files (RFC 9110 §12.5.3).
#ifndef STOWAGE_EXAMPLES_BOOKSTORE_ACCEPT_ENCODING_H_
#define STOWAGE_EXAMPLES_BOOKSTORE_ACCEPT_ENCODING_H_

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace bookstore {

enum class Coding { kIdentity, kBrotli, kGzip };

// Which pre-compressed variants exist for a file.
struct AvailableCodings {
  bool brotli = false;
  bool gzip = false;
};

// Chooses the coding to send for an `Accept-Encoding` header (nullopt when absent).
//  - Without the header, or with an empty one, the identity coding is sent.
//  - A coding is acceptable when it is listed, or matched by "*", with q > 0; "x-gzip" is gzip.
//  - Among acceptable variants the highest q wins; ties prefer brotli (smaller), then gzip.
//  - An explicit "identity;q=X" with X above every acceptable variant keeps the identity.
//  - Identity is the fallback even when the client refuses it: sending a representation it
//    may not want is better than a 406 for a static asset (as WhiteNoise and nginx do).
Coding ChooseCoding(absl::optional<absl::string_view> accept_encoding, AvailableCodings available);

// The Content-Encoding token for a coding ("" for identity).
absl::string_view CodingToken(Coding coding);

}  // namespace bookstore

#endif  // STOWAGE_EXAMPLES_BOOKSTORE_ACCEPT_ENCODING_H_
