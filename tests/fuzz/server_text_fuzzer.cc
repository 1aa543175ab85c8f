// Escaping and redaction of text a server controls (builder/net/server_text.h), which every
// error and log line that quotes a server goes through. Input: the text; "@SECRET@" in it
// stands for a registered secret. Properties: ServerText's result has no control characters,
// is valid UTF-8, stays within its cap and never shows the secret; SafeForTerminal keeps one
// line without the secret; RedactCredentials drops the secret.
#include <cstdint>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "builder/net/server_text.h"
#include "builder/tar/image_path.h"
#include "tests/fuzz/fuzz_input.h"

namespace {

constexpr char kSecret[] = "Zq9-canary-secret-7Tn";

void CheckNoControl(const std::string& out, const char* what, const std::string& in) {
  for (unsigned char c : out) {
    if (c < 0x20 || c == 0x7f)
      stowage::fuzz::InvariantFailed(std::string(what) + " kept a control character", in);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  stowage::net::RegisterSecret(kSecret);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::string text(reinterpret_cast<const char*>(data), size);
  text = absl::StrReplaceAll(text, {{"@SECRET@", kSecret}});
  for (size_t cap : {size_t{16}, net::kMaxQuotedServerText, size_t{1} << 20}) {
    std::string quoted = net::ServerText(text, cap);
    CheckNoControl(quoted, "ServerText", text);
    if (!IsValidUtf8(quoted)) fuzz::InvariantFailed("ServerText is not UTF-8", text);
    if (quoted.size() > cap + 3) fuzz::InvariantFailed("ServerText over its cap", text);
    if (absl::StrContains(quoted, kSecret))
      fuzz::InvariantFailed("ServerText shows a secret", text);
  }
  std::string line = net::SafeForTerminal(text);
  CheckNoControl(line, "SafeForTerminal", text);
  if (absl::StrContains(line, kSecret))
    fuzz::InvariantFailed("SafeForTerminal shows a secret", text);
  if (absl::StrContains(net::RedactCredentials(text), kSecret)) {
    fuzz::InvariantFailed("RedactCredentials shows a secret", text);
  }
  std::string header = net::RedactHeaderLine(text);
  CheckNoControl(header, "RedactHeaderLine", text);
  return 0;
}
