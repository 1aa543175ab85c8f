#include <map>
#include <string>

#include "builder/sbom/dep5.h"
#include "builder/sbom/sbom_model.h"
#include "gtest/gtest.h"

namespace stowage {
namespace sbom {
namespace {

constexpr char kDep5[] =
    "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
    "Upstream-Name: example\n"
    "\n"
    "Files: *\n"
    "Copyright: 2000 Someone\n"
    "License: GPL-2+ or Artistic\n"
    "\n"
    "Files: lib/*\n"
    "Copyright: 2001 Other\n"
    "License: Expat\n"
    "\n"
    "Files: odd/*\n"
    "License: Custom-thing\n"
    " Some permissive words.\n"
    " .\n"
    " More words.\n"
    "\n"
    "Files: again/*\n"
    "License: Expat\n"
    "\n"
    "License: Artistic\n"
    " The Artistic License text.\n";

TEST(Dep5, LicensesOfFilesParagraphsOnceInOrder) {
  CopyrightLicenses l = ParseDep5(kDep5);
  EXPECT_TRUE(l.machine_readable);
  EXPECT_EQ(l.licenses, (std::vector<std::string>{"GPL-2+ or Artistic", "Expat", "Custom-thing"}));
  EXPECT_EQ(l.texts.at("Artistic"), "The Artistic License text.");
  EXPECT_EQ(l.texts.at("Custom-thing"), "Some permissive words.\n\nMore words.");
}

TEST(Dep5, NotMachineReadableOrGarbageGivesNothing) {
  for (const char* text : {"", "This package was debianized by someone.\nGPL-2\n", "\n\n\n",
                           "Format: something else\n\nFiles: *\nLicense: MIT\n", ":::\n \n\t\n"}) {
    CopyrightLicenses l = ParseDep5(text);
    EXPECT_FALSE(l.machine_readable) << text;
    EXPECT_TRUE(l.licenses.empty()) << text;
  }
}

TEST(Dep5, SpdxExpressions) {
  std::map<std::string, std::string> refs;
  EXPECT_EQ(SpdxExpression("GPL-2+ or Artistic", &refs), "(GPL-2.0-or-later OR Artistic-1.0-Perl)");
  EXPECT_EQ(SpdxExpression("Expat", &refs), "MIT");
  EXPECT_EQ(SpdxExpression("BSD-3-clause and GPL-2", &refs), "BSD-3-Clause AND GPL-2.0-only");
  EXPECT_EQ(SpdxExpression("LGPL-2.1+ or MIT and ISC", &refs),
            "(LGPL-2.1-or-later OR (MIT AND ISC))");
  EXPECT_TRUE(refs.empty());
  EXPECT_EQ(SpdxExpression("GPL-2+ with OpenSSL exception", &refs),
            "LicenseRef-GPL-2--with-OpenSSL-exception");
  EXPECT_EQ(SpdxExpression("public-domain", &refs), "LicenseRef-public-domain");
  EXPECT_EQ(refs.at("LicenseRef-public-domain"), "public-domain");
  EXPECT_EQ(SpdxExpression("  ", &refs), "NOASSERTION");
  EXPECT_EQ(SpdxId("bsd-3-CLAUSE"), "BSD-3-Clause");
  EXPECT_EQ(SpdxId("nonsense"), "");
}

TEST(Model, PurlAndUuid) {
  Package p;
  p.name = "libstdc++6";
  p.version = "1:12.2.0-14+deb12u1";
  p.architecture = "amd64";
  EXPECT_EQ(p.Purl(), "pkg:deb/debian/libstdc%2B%2B6@1%3A12.2.0-14%2Bdeb12u1?arch=amd64");
  std::string u =
      UuidFromDigest("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  EXPECT_EQ(u, "01234567-89ab-5def-8123-456789abcdef");
  EXPECT_EQ(UuidFromDigest("ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"),
            "ffffffff-ffff-5fff-bfff-ffffffffffff");
}

TEST(Model, StaticAssetRoots) {
  Layer l;
  l.static_roots = {"/app/staticfiles"};
  EXPECT_TRUE(IsStaticAsset(l, "/app/staticfiles/css/a.css"));
  EXPECT_TRUE(IsStaticAsset(l, "/app/staticfiles"));
  EXPECT_FALSE(IsStaticAsset(l, "/app/staticfiles2/x"));
  EXPECT_FALSE(IsStaticAsset(l, "/app/bin/x"));
}

}  // namespace
}  // namespace sbom
}  // namespace stowage
