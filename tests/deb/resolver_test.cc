#include "builder/deb/resolver.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

// One stanza per string, each "Package: x\nVersion: 1\n..." without the fields fetching needs.
PackageUniverse Universe(const std::vector<std::string>& stanzas, const std::string& arch = "amd64",
                         const std::string& suite = "bookworm") {
  std::string text;
  for (const std::string& s : stanzas) {
    std::string name = s.substr(9, s.find('\n') - 9);
    absl::StrAppend(&text, s, "\nFilename: pool/main/", name, "_", suite, ".deb\nSize: 100\n",
                    "SHA256: ", std::string(64, 'a'), "\n\n");
  }
  PackageUniverse u;
  absl::Status s = u.AddIndex(text, arch, suite, "main", "test index");
  EXPECT_TRUE(s.ok()) << s;
  return u;
}

std::string Names(const Resolution& r) {
  std::vector<std::string> names;
  for (const auto& [name, p] : r) names.push_back(absl::StrCat(name, "=", p.record->version_text));
  return absl::StrJoin(names, " ");
}

absl::StatusOr<Resolution> Lock(const PackageUniverse& u, std::vector<std::string> packages,
                                bool essential = false) {
  ResolveRequest request;
  request.architecture = "amd64";
  request.packages = std::move(packages);
  request.include_essential = essential;
  return Resolve(u, request);
}

TEST(ResolverTest, ClosureWithCyclesAndEdges) {
  PackageUniverse u = Universe({
      "Package: libc6\nVersion: 2.36\nArchitecture: amd64\nDepends: libgcc-s1",
      "Package: libgcc-s1\nVersion: 12\nArchitecture: amd64\nDepends: libc6 (>= 2.35)",
      "Package: app\nVersion: 1\nArchitecture: amd64\nPre-Depends: libc6\nDepends: data",
      "Package: data\nVersion: 1\nArchitecture: all\nMulti-Arch: foreign",
      "Package: unrelated\nVersion: 1\nArchitecture: amd64",
  });
  auto r = Lock(u, {"app"});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(Names(*r), "app=1 data=1 libc6=2.36 libgcc-s1=12");
  EXPECT_EQ(absl::StrJoin(r->at("app").depends, ","), "data,libc6");
  EXPECT_EQ(absl::StrJoin(r->at("libc6").depends, ","), "libgcc-s1");
  EXPECT_EQ(absl::StrJoin(r->at("libgcc-s1").depends, ","), "libc6");
  EXPECT_TRUE(r->at("app").requested);
  EXPECT_FALSE(r->at("libc6").requested);
}

TEST(ResolverTest, AlternativesTakeTheFirstUnlessAnotherIsChosen) {
  PackageUniverse u = Universe({
      "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: mawk | gawk",
      "Package: mawk\nVersion: 1\nArchitecture: amd64",
      "Package: gawk\nVersion: 1\nArchitecture: amd64",
  });
  EXPECT_EQ(Names(*Lock(u, {"app"})), "app=1 mawk=1");
  EXPECT_EQ(Names(*Lock(u, {"app", "gawk"})), "app=1 gawk=1");
}

TEST(ResolverTest, AlternativeWhoseVersionDoesNotFit) {
  PackageUniverse u = Universe({
      "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: newlib (>= 2) | oldlib",
      "Package: newlib\nVersion: 1.5\nArchitecture: amd64",
      "Package: oldlib\nVersion: 1\nArchitecture: amd64",
  });
  EXPECT_EQ(Names(*Lock(u, {"app"})), "app=1 oldlib=1");
}

TEST(ResolverTest, VirtualPackages) {
  PackageUniverse u = Universe({
      "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: mail-transport-agent",
      "Package: exim4\nVersion: 4\nArchitecture: amd64\nProvides: mail-transport-agent",
      "Package: single\nVersion: 1\nArchitecture: amd64\nDepends: awk",
      "Package: mawk\nVersion: 1\nArchitecture: amd64\nProvides: awk",
      "Package: two\nVersion: 1\nArchitecture: amd64\nDepends: mta",
      "Package: postfix\nVersion: 3\nArchitecture: amd64\nProvides: mta",
      "Package: sendmail\nVersion: 8\nArchitecture: amd64\nProvides: mta",
  });
  EXPECT_EQ(Names(*Lock(u, {"app"})), "app=1 exim4=4");
  EXPECT_EQ(Names(*Lock(u, {"single"})), "mawk=1 single=1");
  auto ambiguous = Lock(u, {"two"});
  ASSERT_FALSE(ambiguous.ok());
  EXPECT_NE(ambiguous.status().message().find("provided by postfix, sendmail"), std::string::npos)
      << ambiguous.status();
  EXPECT_EQ(Names(*Lock(u, {"two", "sendmail"})), "sendmail=8 two=1");
}

TEST(ResolverTest, VersionedDependencyOnVirtualNeedsVersionedProvides) {
  PackageUniverse u = Universe({
      "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: api (>= 2)",
      "Package: impl\nVersion: 7\nArchitecture: amd64\nProvides: api (= 3)",
      "Package: app2\nVersion: 1\nArchitecture: amd64\nDepends: api2 (>= 2)",
      "Package: impl2\nVersion: 7\nArchitecture: amd64\nProvides: api2",
  });
  EXPECT_EQ(Names(*Lock(u, {"app"})), "app=1 impl=7");
  auto r = Lock(u, {"app2"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("api2 (>= 2)"), std::string::npos) << r.status();
}

TEST(ResolverTest, NewestVersionPinsAndConstraints) {
  PackageUniverse u = Universe({
      "Package: lib\nVersion: 1.0\nArchitecture: amd64",
      "Package: lib\nVersion: 1.2\nArchitecture: amd64",
      "Package: old-user\nVersion: 1\nArchitecture: amd64\nDepends: lib (<< 1.1)",
      "Package: new-user\nVersion: 1\nArchitecture: amd64\nDepends: lib (>= 1.1)",
  });
  EXPECT_EQ(Names(*Lock(u, {"lib"})), "lib=1.2");
  EXPECT_EQ(Names(*Lock(u, {"lib=1.0"})), "lib=1.0");
  EXPECT_EQ(Names(*Lock(u, {"old-user"})), "lib=1.0 old-user=1");
  auto missing = Lock(u, {"lib=0.9"});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("1.2 (amd64, bookworm), 1.0 (amd64, bookworm)"),
            std::string::npos)
      << missing.status();
  // Each name is chosen once: two users who need different versions cannot both be met.
  auto clash = Lock(u, {"new-user", "old-user"});
  ASSERT_FALSE(clash.ok());
  EXPECT_NE(clash.status().message().find("lib 1.2 is already chosen"), std::string::npos)
      << clash.status();
}

TEST(ResolverTest, NewestAcrossSuites) {
  PackageUniverse u = Universe({"Package: libssl3\nVersion: 3.0.20-1~deb12u2\nArchitecture: amd64"},
                               "amd64", "bookworm");
  std::string security =
      "Package: libssl3\nVersion: 3.0.22-1~deb12u2\nArchitecture: amd64\n"
      "Filename: pool/updates/main/o/openssl/libssl3.deb\nSize: 5\nSHA256: " +
      std::string(64, 'b') + "\n";
  ASSERT_TRUE(u.AddIndex(security, "amd64", "bookworm-security", "main", "security").ok());
  auto r = Lock(u, {"libssl3"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("libssl3").record->suite, "bookworm-security");
  EXPECT_EQ(r->at("libssl3").record->version_text, "3.0.22-1~deb12u2");
}

// A hostile index may list one name in very many versions: each is added in O(log n) (before,
// every record was compared with every earlier version of its name and inserted into a sorted
// vector: 50000 versions took over a billion comparisons).
TEST(PackageUniverseTest, ManyVersionsOfOneNameInAnyOrder) {
  constexpr int kVersions = 50000;
  std::string text;
  auto stanza = [&](const std::string& version, const std::string& arch) {
    absl::StrAppend(&text, "Package: many\nVersion: ", version, "\nArchitecture: ", arch,
                    "\nFilename: pool/m/many_", version,
                    ".deb\nSize: 1\nSHA256: ", std::string(64, 'a'), "\n\n");
  };
  for (int i = 0; i < kVersions; ++i) stanza(absl::StrCat("1.", i), "amd64");  // oldest first
  stanza("1.00", "amd64");  // equal to "1.0" and the same architecture: ignored
  stanza("1.0", "all");     // equal to "1.0", another architecture: kept, after it
  PackageUniverse u;
  absl::Status s = u.AddIndex(text, "amd64", "bookworm", "main", "test index");
  ASSERT_TRUE(s.ok()) << s;
  const auto& versions = u.Versions("many");
  ASSERT_EQ(versions.size(), static_cast<size_t>(kVersions + 1));
  EXPECT_EQ(versions.front()->version_text, absl::StrCat("1.", kVersions - 1));
  EXPECT_EQ(versions[kVersions - 1]->version_text, "1.0");
  EXPECT_EQ(versions[kVersions - 1]->architecture, "amd64");
  EXPECT_EQ(versions[kVersions]->version_text, "1.0");
  EXPECT_EQ(versions[kVersions]->architecture, "all");
  for (size_t i = 1; i < versions.size(); ++i) {
    ASSERT_GE(CompareDebVersions(versions[i - 1]->version, versions[i]->version), 0) << i;
  }
}

TEST(ResolverTest, MissingDependencyNamesTheChain) {
  PackageUniverse u = Universe({
      "Package: top\nVersion: 1\nArchitecture: amd64\nDepends: mid",
      "Package: mid\nVersion: 2\nArchitecture: amd64\nDepends: gone (>= 1) | alsogone",
  });
  auto r = Lock(u, {"top"});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "cannot satisfy \"gone (>= 1) | alsogone\" of mid 2, needed by top 1, requested: "
            "no package is named or provides gone (>= 1); no package is named or provides "
            "alsogone");
  auto unknown = Lock(u, {"nosuch"});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("requested package nosuch"), std::string::npos);
}

TEST(ResolverTest, MultiArchQualifiers) {
  PackageUniverse u = Universe({
      "Package: tool\nVersion: 1\nArchitecture: amd64\nDepends: python3:any, perl:native",
      "Package: python3\nVersion: 3.11\nArchitecture: amd64\nMulti-Arch: allowed",
      "Package: perl\nVersion: 5.36\nArchitecture: amd64",
      "Package: strict\nVersion: 1\nArchitecture: amd64\nDepends: libfoo:any",
      "Package: libfoo\nVersion: 1\nArchitecture: amd64\nMulti-Arch: same",
  });
  EXPECT_EQ(Names(*Lock(u, {"tool"})), "perl=5.36 python3=3.11 tool=1");
  // ":any" needs Multi-Arch: allowed (dpkg's rule), so a Multi-Arch: same package does not do.
  EXPECT_FALSE(Lock(u, {"strict"}).ok());
}

TEST(ResolverTest, ArchSatisfiedFollowsDpkg) {
  auto pkg = [](const std::string& arch, MultiArch ma) {
    PackageRecord r;
    r.name = "p1";
    r.architecture = arch;
    r.multi_arch = ma;
    return r;
  };
  Relation plain{"p1"};
  Relation any{"p1", "any"};
  Relation native{"p1", "native"};
  Relation arm{"p1", "arm64"};
  const std::string n = "amd64";
  // Unqualified: same architecture, "all" counts as native, foreign packages satisfy anyone.
  EXPECT_TRUE(ArchSatisfied(pkg("amd64", MultiArch::kNo), plain, "amd64", n, false));
  EXPECT_FALSE(ArchSatisfied(pkg("arm64", MultiArch::kSame), plain, "amd64", n, false));
  EXPECT_TRUE(ArchSatisfied(pkg("arm64", MultiArch::kForeign), plain, "amd64", n, false));
  EXPECT_TRUE(ArchSatisfied(pkg("all", MultiArch::kNo), plain, "amd64", n, false));
  // A package of architecture all depends on native packages.
  EXPECT_TRUE(ArchSatisfied(pkg("amd64", MultiArch::kNo), plain, "all", n, false));
  EXPECT_FALSE(ArchSatisfied(pkg("arm64", MultiArch::kNo), plain, "all", n, false));
  // ":any": Multi-Arch: allowed of any architecture; everything in Conflicts/Breaks.
  EXPECT_TRUE(ArchSatisfied(pkg("arm64", MultiArch::kAllowed), any, "amd64", n, false));
  EXPECT_FALSE(ArchSatisfied(pkg("amd64", MultiArch::kForeign), any, "amd64", n, false));
  EXPECT_FALSE(ArchSatisfied(pkg("amd64", MultiArch::kNo), any, "amd64", n, false));
  EXPECT_TRUE(ArchSatisfied(pkg("arm64", MultiArch::kNo), any, "amd64", n, true));
  // ":native" and an explicit architecture.
  EXPECT_TRUE(ArchSatisfied(pkg("amd64", MultiArch::kNo), native, "arm64", n, false));
  EXPECT_FALSE(ArchSatisfied(pkg("arm64", MultiArch::kNo), native, "arm64", n, false));
  EXPECT_TRUE(ArchSatisfied(pkg("arm64", MultiArch::kSame), arm, "amd64", n, false));
  EXPECT_FALSE(ArchSatisfied(pkg("amd64", MultiArch::kSame), arm, "amd64", n, false));
}

TEST(ResolverTest, ArchitectureAllAndOtherArchitecturesInTheIndex) {
  PackageUniverse u = Universe({
      "Package: tzdata\nVersion: 2025\nArchitecture: all\nDepends: debconf",
      "Package: debconf\nVersion: 1.5\nArchitecture: all",
      "Package: armonly\nVersion: 1\nArchitecture: arm64",
  });
  EXPECT_EQ(Names(*Lock(u, {"tzdata"})), "debconf=1.5 tzdata=2025");
  EXPECT_FALSE(Lock(u, {"armonly"}).ok());  // not of this architecture: skipped by AddIndex
}

TEST(ResolverTest, ArchitectureRestrictedDependencies) {
  PackageUniverse u = Universe({
      "Package: app\nVersion: 1\nArchitecture: amd64\nDepends: x86lib [amd64], armlib [arm64]",
      "Package: x86lib\nVersion: 1\nArchitecture: amd64",
  });
  EXPECT_EQ(Names(*Lock(u, {"app"})), "app=1 x86lib=1");
}

TEST(ResolverTest, ConflictsAndBreaks) {
  PackageUniverse u = Universe({
      "Package: a1\nVersion: 1\nArchitecture: amd64\nConflicts: b1",
      "Package: b1\nVersion: 1\nArchitecture: amd64",
      "Package: c1\nVersion: 1\nArchitecture: amd64\nBreaks: d1 (<< 2)",
      "Package: d1\nVersion: 1\nArchitecture: amd64",
      "Package: e1\nVersion: 1\nArchitecture: amd64\nProvides: virt\nConflicts: virt",
      "Package: f1\nVersion: 1\nArchitecture: amd64\nProvides: virt",
  });
  auto r = Lock(u, {"a1", "b1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("a1 1 conflicts with b1"), std::string::npos) << r.status();
  r = Lock(u, {"c1", "d1"});
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("c1 1 breaks d1 (<< 2)"), std::string::npos) << r.status();
  // Conflicting with a virtual name one provides oneself is Debian's "only one of us" idiom.
  EXPECT_TRUE(Lock(u, {"e1"}).ok());
  EXPECT_FALSE(Lock(u, {"e1", "f1"}).ok());
}

TEST(ResolverTest, EssentialOnlyWhenAsked) {
  PackageUniverse u = Universe({
      "Package: app\nVersion: 1\nArchitecture: amd64",
      "Package: base-files\nVersion: 12\nArchitecture: amd64\nEssential: yes",
  });
  EXPECT_EQ(Names(*Lock(u, {"app"})), "app=1");
  EXPECT_EQ(Names(*Lock(u, {"app"}, true)), "app=1 base-files=12");
}

}  // namespace
}  // namespace stowage
