#include "builder/sbom/sbom_model.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace stowage {
namespace sbom {
namespace {

// purl's percent-encoding: everything but ASCII letters, digits and ".-_~".
std::string PurlEncode(absl::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (absl::ascii_isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += absl::StrFormat("%%%02X", c);
    }
  }
  return out;
}

}  // namespace

std::string Package::Purl() const {
  return absl::StrCat("pkg:deb/debian/", PurlEncode(name), "@", PurlEncode(version),
                      "?arch=", PurlEncode(architecture));
}

bool IsStaticAsset(const Layer& layer, const std::string& path) {
  for (const std::string& root : layer.static_roots) {
    if (path == root || absl::StartsWith(path, root + "/")) return true;
  }
  return false;
}

std::string UuidFromDigest(const std::string& hex) {
  std::string h = hex.size() >= 32 ? hex.substr(0, 32) : std::string(32, '0');
  h[12] = '5';
  const char variant[] = "89ab";
  int nibble = absl::ascii_isdigit(h[16]) ? h[16] - '0' : (absl::ascii_tolower(h[16]) - 'a' + 10);
  h[16] = variant[nibble & 3];
  return absl::StrCat(h.substr(0, 8), "-", h.substr(8, 4), "-", h.substr(12, 4), "-",
                      h.substr(16, 4), "-", h.substr(20, 12));
}

}  // namespace sbom
}  // namespace stowage
