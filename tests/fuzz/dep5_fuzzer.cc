// A Debian copyright file (from a .deb or a layer) read for licenses, then turned into SPDX
// expressions. Input: the file. Properties: no crash; every expression is NOASSERTION or made of
// SPDX ids, LicenseRef-[A-Za-z0-9.-]+, AND, OR and parentheses.
#include <cstdint>
#include <map>
#include <string>

#include "builder/sbom/dep5.h"
#include "re2/re2.h"
#include "tests/fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace stowage;
  std::string in(reinterpret_cast<const char*>(data), size);
  sbom::CopyrightLicenses l = sbom::ParseDep5(in);
  static const RE2 token(R"((\(|\)| AND | OR |[A-Za-z0-9.+-]+))");
  for (const std::string& name : l.licenses) {
    std::map<std::string, std::string> refs;
    std::string expr = sbom::SpdxExpression(name, &refs);
    re2::StringPiece rest(expr);
    while (!rest.empty() && RE2::Consume(&rest, token)) {
    }
    if (!rest.empty()) fuzz::InvariantFailed("an SPDX expression with stray text", expr);
  }
  return 0;
}
