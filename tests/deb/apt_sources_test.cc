#include "builder/deb/apt_sources.h"

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(AptSourcesTest, OneLineFormat) {
  auto s = ParseOneLineSources(
      "# comment\n"
      "deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/k.gpg] http://m.test/debian/ "
      "bookworm main contrib # trailing\n"
      "deb-src http://m.test/debian bookworm main\n"
      "\n"
      "deb http://m.test/debian-security bookworm-security main\n",
      "sources.list");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);
  EXPECT_EQ((*s)[0].uris[0], "http://m.test/debian");
  EXPECT_EQ((*s)[0].suites[0], "bookworm");
  EXPECT_EQ((*s)[0].components.size(), 2u);
  EXPECT_EQ((*s)[0].architectures.size(), 2u);
  EXPECT_EQ((*s)[0].signed_by, "/usr/share/keyrings/k.gpg");
  EXPECT_EQ((*s)[0].where, "sources.list:2");
  EXPECT_EQ((*s)[1].suites[0], "bookworm-security");
  EXPECT_FALSE(ParseOneLineSources("rpm http://x y\n", "f").ok());
  EXPECT_FALSE(ParseOneLineSources("deb [arch=amd64 http://x y\n", "f").ok());
  EXPECT_FALSE(ParseOneLineSources("deb http://x\n", "f").ok());
}

TEST(AptSourcesTest, Deb822Format) {
  auto s = ParseDeb822Sources(
      "Types: deb deb-src\n"
      "# a comment\n"
      "URIs: http://m.test/debian http://n.test/debian\n"
      "Suites: bookworm bookworm-updates\n"
      "Components: main\n"
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
      "\n"
      "Types: deb\n"
      "URIs: http://off.test/debian\n"
      "Suites: trixie\n"
      "Enabled: no\n"
      "\n"
      "Types: deb-src\n"
      "URIs: http://src.test/debian\n"
      "Suites: trixie\n",
      "debian.sources");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 1u);
  EXPECT_EQ((*s)[0].uris.size(), 2u);
  EXPECT_EQ((*s)[0].suites[1], "bookworm-updates");
  EXPECT_EQ((*s)[0].signed_by, "/usr/share/keyrings/debian-archive-keyring.gpg");
  EXPECT_FALSE(ParseDeb822Sources("Types: deb\nSuites: x\n", "f").ok());  // no URIs
}

TEST(AptSourcesTest, ReadsTheDirectoryLikeApt) {
  std::string etc = testing::TempDir() + "/etc-apt";
  mkdir(etc.c_str(), 0755);
  mkdir((etc + "/sources.list.d").c_str(), 0755);
  std::ofstream(etc + "/sources.list.d/b.sources")
      << "Types: deb\nURIs: http://b.test/debian\nSuites: bookworm\nComponents: main\n";
  std::ofstream(etc + "/sources.list.d/a.list") << "deb http://a.test/debian bookworm main\n";
  std::ofstream(etc + "/sources.list.d/c.list.disabled") << "deb http://c.test/x bookworm main\n";
  auto s = ReadAptSources(etc);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 2u);  // a.list, b.sources; no sources.list; .disabled ignored
  EXPECT_EQ((*s)[0].uris[0], "http://a.test/debian");
  EXPECT_EQ((*s)[1].uris[0], "http://b.test/debian");
  auto roots = ArchiveRootsFor("bookworm", MirrorOverrides(), *s);
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_TRUE(ArchiveRootsFor("trixie", MirrorOverrides(), *s).empty());
  EXPECT_TRUE(ReadAptSources(testing::TempDir() + "/nonexistent")->empty());
}

TEST(AptSourcesTest, MirrorOverrides) {
  auto m = ParseMirrorOverrides(SplitMirrorList(
      "http://127.0.0.1:8000/debian/, bookworm-security=http://127.0.0.1:8000/security"));
  ASSERT_TRUE(m.ok()) << m.status();
  std::vector<AptSource> apt(1);
  apt[0].uris = {"http://apt.test/debian"};
  apt[0].suites = {"bookworm", "bookworm-security"};
  auto roots = ArchiveRootsFor("bookworm", *m, apt);
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0].uri, "http://127.0.0.1:8000/debian");
  roots = ArchiveRootsFor("bookworm-security", *m, apt);
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0].uri, "http://127.0.0.1:8000/security");
  EXPECT_EQ(ArchiveRootsFor("bookworm", MirrorOverrides(), apt)[0].uri, "http://apt.test/debian");
  EXPECT_FALSE(ParseMirrorOverrides({"ftp://x/debian"}).ok());
  EXPECT_FALSE(ParseMirrorOverrides({"bookworm=/local"}).ok());
  EXPECT_TRUE(ParseMirrorOverrides({"file:///srv/mirror"}).ok());
}

}  // namespace
}  // namespace stowage
