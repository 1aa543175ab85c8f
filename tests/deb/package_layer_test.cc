// stowage deb layer's planning, on .deb files made here with Debian's dpkg-deb: merged /usr,
// modes, hard links, conflicts between packages, the CA bundle and passwd/group that maintainer
// scripts would write, dpkg's database, the checks on what the lock says, and the layer bytes.
#include "builder/deb/package_layer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/deb/deb_archive.h"
#include "builder/deb/scratch_dir.h"
#include "builder/deb/status_record.h"
#include "builder/layer/layer_builder.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

class PackageLayerTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = absl::StrCat(testing::TempDir(), "/",
                         testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_EQ(std::system(absl::StrCat("rm -rf ", root_, " && mkdir -p ", root_).c_str()), 0);
  }

  struct File {
    std::string path;      // absolute, inside the package
    std::string contents;  // "->target" for a symlink
    mode_t mode = 0644;
  };

  // Builds NAME_VERSION.deb with dpkg-deb (owner root, compression `z`), returns its path.
  LayerPackage Deb(const std::string& name, const std::string& version, std::vector<File> files,
                   const std::string& extra_control = "", const std::string& z = "gzip",
                   const std::string& arch = "amd64") {
    std::string stage = absl::StrCat(root_, "/stage-", name, "-", version);
    EXPECT_EQ(std::system(absl::StrCat("mkdir -p ", stage, "/DEBIAN").c_str()), 0);
    std::ofstream(stage + "/DEBIAN/control")
        << "Package: " << name << "\nVersion: " << version << "\nArchitecture: " << arch
        << "\nMaintainer: test <t@localhost>\n"
        << extra_control << "Description: test package\n more text\n";
    for (const File& f : files) {
      std::string path = stage + f.path;
      EXPECT_EQ(std::system(absl::StrCat("mkdir -p \"$(dirname '", path, "')\"").c_str()), 0);
      if (f.contents.rfind("->", 0) == 0) {
        EXPECT_EQ(symlink(f.contents.substr(2).c_str(), path.c_str()), 0);
      } else if (f.contents.rfind("=>", 0) == 0) {
        EXPECT_EQ(link((stage + f.contents.substr(2)).c_str(), path.c_str()), 0);
      } else {
        std::ofstream(path) << f.contents;
        EXPECT_EQ(chmod(path.c_str(), f.mode), 0);
      }
    }
    std::string deb = absl::StrCat(root_, "/", name, "_", version, "_", arch, ".deb");
    EXPECT_EQ(std::system(absl::StrCat("SOURCE_DATE_EPOCH=1 dpkg-deb --root-owner-group -Z", z,
                                       " --build ", stage, " ", deb, " >/dev/null")
                              .c_str()),
              0);
    return LayerPackage{deb, name, version, arch};
  }

  absl::StatusOr<LayerSpec> Plan(PackageLayerSpec spec) {
    auto scratch = ScratchDir::Create(root_, "scratch.");
    if (!scratch.ok()) return scratch.status();
    scratches_.push_back(std::make_unique<ScratchDir>(*std::move(scratch)));
    return PlanPackageLayer(spec, scratches_.back()->path());
  }

  static std::map<std::string, SpecEntry> ByPath(const LayerSpec& spec) {
    std::map<std::string, SpecEntry> out;
    for (const SpecEntry& e : spec.entries) out[e.path] = e;
    return out;
  }

  static std::string Contents(const SpecEntry& e) {
    auto text = ReadFile(e.source);
    return text.ok() ? *text : "<unreadable>";
  }

  std::string root_;
  std::vector<std::unique_ptr<ScratchDir>> scratches_;
};

TEST_F(PackageLayerTest, MergedUsrModesLinksAndDpkgDatabase) {
  PackageLayerSpec spec;
  spec.packages.push_back(Deb("tool", "1.0-1",
                              {{"/bin/tool", "#!/bin/sh\n", 04755},
                               {"/bin/alias", "->tool"},
                               {"/usr/bin/hard", "=>/bin/tool"},
                               {"/lib64/ld.so", "loader", 0755},
                               {"/etc/tool.conf", "x=1\n"},
                               {"/usr/share/doc/tool/copyright", "GPL"}},
                              "Multi-Arch: foreign\nDepends: libc6 (>= 2.36)\n"));
  spec.exclude_paths = {"usr/share/doc"};
  auto planned = Plan(spec);
  ASSERT_TRUE(planned.ok()) << planned.status();
  auto entries = ByPath(*planned);
  // /bin and /lib64 contents moved under /usr; the top-level names are links into it.
  ASSERT_EQ(entries.count("usr/bin/tool"), 1u);
  EXPECT_EQ(entries.count("bin/tool"), 0u);
  EXPECT_EQ(*entries["usr/bin/tool"].attrs.mode, 04755u);
  EXPECT_EQ(entries["usr/bin/alias"].type, SpecEntryType::kSymlink);
  EXPECT_EQ(entries["usr/bin/alias"].target, "tool");
  EXPECT_EQ(entries["bin"].type, SpecEntryType::kSymlink);
  EXPECT_EQ(entries["bin"].target, "usr/bin");
  EXPECT_EQ(entries["lib64"].target, "usr/lib64");
  EXPECT_EQ(entries["lib"].target, "usr/lib");
  EXPECT_EQ(entries["sbin"].target, "usr/sbin");
  EXPECT_EQ(entries.count("lib32"), 0u);
  EXPECT_EQ(entries["usr/sbin"].type, SpecEntryType::kDirectory);
  // A hard link becomes a copy of its target's contents and mode.
  EXPECT_EQ(entries["usr/bin/hard"].type, SpecEntryType::kFile);
  EXPECT_EQ(Contents(entries["usr/bin/hard"]), "#!/bin/sh\n");
  EXPECT_EQ(*entries["usr/bin/hard"].attrs.mode, 04755u);
  EXPECT_EQ(entries.count("usr/share/doc/tool/copyright"), 0u);  // excluded
  // dpkg's database.
  std::string status = Contents(entries["var/lib/dpkg/status"]);
  EXPECT_EQ(status.rfind("Package: tool\nStatus: install ok installed\n", 0), 0u) << status;
  EXPECT_NE(status.find("\nDepends: libc6 (>= 2.36)\n"), std::string::npos);
  EXPECT_NE(status.find("\nDescription: test package\n more text\n"), std::string::npos);
  EXPECT_EQ(Contents(entries["var/lib/dpkg/status.d/tool"]), status);
  std::string list = Contents(entries["var/lib/dpkg/info/tool.list"]);
  EXPECT_NE(list.find("/.\n"), std::string::npos);
  EXPECT_NE(list.find("\n/bin/tool\n"), std::string::npos);  // as the package has it
  // dpkg-deb alone writes no md5sums (debhelper does), so there is none to copy.
  EXPECT_EQ(entries.count("var/lib/dpkg/info/tool.md5sums"), 0u);
  EXPECT_EQ(entries.count("var/lib/dpkg/info/tool.conffiles"), 0u);
}

TEST_F(PackageLayerTest, ConflictsBetweenPackages) {
  LayerPackage a = Deb("aaa", "1", {{"/usr/share/x/same", "same"}, {"/usr/bin/clash", "A"}});
  LayerPackage b = Deb("bbb", "1", {{"/usr/share/x/same", "same"}, {"/usr/bin/clash", "B"}});
  LayerPackage c = Deb("ccc", "1", {{"/usr/share/x/same", "same"}, {"/bin/clash", "A", 0755}});
  LayerPackage d = Deb("ddd", "1", {{"/usr/share/x/same", "->elsewhere"}});
  PackageLayerSpec spec;
  spec.packages = {b, a};
  auto planned = Plan(spec);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find(
                "package aaa 1 (amd64) and package bbb 1 (amd64) both ship /usr/bin/clash with "
                "different contents"),
            std::string::npos)
      << planned.status();
  // /bin/clash lands on /usr/bin/clash under merged /usr: same contents, other mode.
  spec.packages = {a, c};
  planned = Plan(spec);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find("with different modes or owners"), std::string::npos)
      << planned.status();
  spec.packages = {a, d};
  planned = Plan(spec);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find("as a file and as a symlink"), std::string::npos)
      << planned.status();
  // Without merged /usr the two paths are different files.
  spec.packages = {a, c};
  spec.merged_usr = false;
  EXPECT_TRUE(Plan(spec).ok());
}

TEST_F(PackageLayerTest, WhatMaintainerScriptsWouldWrite) {
  PackageLayerSpec spec;
  spec.packages.push_back(Deb("ca-certificates", "2025",
                              {{"/usr/share/ca-certificates/mozilla/B.crt", "-----B-----"},
                               {"/usr/share/ca-certificates/mozilla/A_Root.crt", "-----A-----\n"},
                               {"/usr/share/ca-certificates/mozilla/readme.txt", "not a cert"},
                               {"/etc/ssl/certs/.keep", ""}},
                              "", "gzip", "all"));
  spec.packages.push_back(
      Deb("base-passwd", "3.6",
          {{"/usr/share/base-passwd/passwd.master", "root:x:0:0::/root:/bin/sh\n"},
           {"/usr/share/base-passwd/group.master", "root:x:0:\n"}}));
  auto planned = Plan(spec);
  ASSERT_TRUE(planned.ok()) << planned.status();
  auto entries = ByPath(*planned);
  EXPECT_EQ(Contents(entries["etc/ssl/certs/ca-certificates.crt"]), "-----A-----\n-----B-----\n");
  EXPECT_EQ(*entries["etc/ssl/certs/ca-certificates.crt"].attrs.mode, 0644u);
  EXPECT_EQ(Contents(entries["etc/passwd"]), "root:x:0:0::/root:/bin/sh\n");
  EXPECT_EQ(Contents(entries["etc/group"]), "root:x:0:\n");
  // A package that ships the generated file itself is a conflict, not a silent overwrite.
  spec.packages.push_back(Deb("rogue", "1", {{"/etc/passwd", "evil"}}));
  EXPECT_FALSE(Plan(spec).ok());
}

// deb_layer's `users`: after base-passwd's entries, with their homes (made with their parents,
// or a shipped directory taking the account as owner), from the spec's JSON.
TEST_F(PackageLayerTest, DeclaredAccounts) {
  LayerPackage base_passwd =
      Deb("base-passwd", "3.6",
          {{"/usr/share/base-passwd/passwd.master", "root:x:0:0::/root:/bin/sh\n"},
           {"/usr/share/base-passwd/group.master", "root:x:0:\n"}});
  LayerPackage svc = Deb("svc", "1", {{"/var/lib/svc/README", "state lives here"}});
  auto spec = ParsePackageLayerSpec(
      nlohmann::json{
          {"packages",
           {{{"deb", base_passwd.deb},
             {"name", "base-passwd"},
             {"version", "3.6"},
             {"architecture", "amd64"}},
            {{"deb", svc.deb}, {"name", "svc"}, {"version", "1"}, {"architecture", "amd64"}}}},
          {"users",
           {{{"name", "django"}, {"uid", 10001}, {"home", "/home/django"}},
            {{"name", "svc"}, {"uid", 999}, {"home", "/var/lib/svc"}},
            {{"name", "nobody2"}, {"uid", 10002}}}}},
      nullptr);
  ASSERT_TRUE(spec.ok()) << spec.status();
  auto planned = Plan(*spec);
  ASSERT_TRUE(planned.ok()) << planned.status();
  auto entries = ByPath(*planned);
  EXPECT_EQ(Contents(entries["etc/passwd"]),
            "root:x:0:0::/root:/bin/sh\n"
            "django:*:10001:10001::/home/django:/usr/sbin/nologin\n"
            "svc:*:999:999::/var/lib/svc:/usr/sbin/nologin\n"
            "nobody2:*:10002:10002::/nonexistent:/usr/sbin/nologin\n");
  EXPECT_EQ(Contents(entries["etc/group"]),
            "root:x:0:\ndjango:*:10001:\nsvc:*:999:\nnobody2:*:10002:\n");
  ASSERT_EQ(entries.count("home"), 1u);
  EXPECT_EQ(entries["home"].type, SpecEntryType::kDirectory);
  EXPECT_EQ(*entries["home"].attrs.uid, 0);
  ASSERT_EQ(entries.count("home/django"), 1u);
  EXPECT_EQ(entries["home/django"].type, SpecEntryType::kDirectory);
  EXPECT_EQ(*entries["home/django"].attrs.mode, 0755u);
  EXPECT_EQ(*entries["home/django"].attrs.uid, 10001);
  EXPECT_EQ(*entries["home/django"].attrs.gid, 10001);
  EXPECT_EQ(*entries["var/lib/svc"].attrs.uid, 999);  // shipped by svc, chowned
  EXPECT_EQ(*entries["var/lib/svc"].attrs.gid, 999);
  EXPECT_EQ(*entries["var/lib/svc/README"].attrs.uid, 0);  // only the directory itself
  EXPECT_EQ(entries.count("nonexistent"), 0u);

  // Planning twice gives the same entries (nothing depends on time or order of discovery).
  auto again = Plan(*spec);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(Contents(ByPath(*again)["etc/passwd"]), Contents(entries["etc/passwd"]));

  // No base-passwd: no masters to add to.
  PackageLayerSpec alone = *spec;
  alone.packages = {svc};
  planned = Plan(alone);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find("need base-passwd"), std::string::npos)
      << planned.status();
  // A home a package ships as a file, a home under merged /usr's /bin, a clash with the masters.
  PackageLayerSpec bad = *spec;
  bad.users = {bad.users[1]};
  bad.users[0].home = "var/lib/svc/README";
  planned = Plan(bad);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find("svc 1 (amd64) ships /var/lib/svc/README as a file"),
            std::string::npos)
      << planned.status();
  bad.users[0].home = "bin/svc";
  EXPECT_FALSE(Plan(bad).ok());
  bad.users[0].home = "var/lib/svc";
  bad.users[0].name = "root";
  EXPECT_FALSE(Plan(bad).ok());
}

TEST_F(PackageLayerTest, BelowLayersAndTheLockIdentity) {
  LayerPackage base = Deb("libbase", "2.0", {{"/usr/lib/libbase.so", "b"}}, "Multi-Arch: same\n");
  LayerPackage app = Deb("app", "1.0", {{"/usr/bin/app", "a"}, {"/etc/app.conf", "c"}});
  PackageLayerSpec spec;
  spec.packages = {app};
  spec.below = {base};
  auto planned = Plan(spec);
  ASSERT_TRUE(planned.ok()) << planned.status();
  auto entries = ByPath(*planned);
  EXPECT_EQ(entries.count("usr/lib/libbase.so"), 0u);  // installed below
  std::string status = Contents(entries["var/lib/dpkg/status"]);
  EXPECT_NE(status.find("Package: app\n"), std::string::npos);
  EXPECT_NE(status.find("\n\nPackage: libbase\nStatus: install ok installed\n"), std::string::npos)
      << status;
  EXPECT_EQ(entries.count("var/lib/dpkg/status.d/libbase"), 0u);
  EXPECT_EQ(entries.count("var/lib/dpkg/status.d/app"), 1u);
  // Multi-Arch: same packages get dpkg's "name:arch" info files.
  spec.packages = {base};
  spec.below = {};
  planned = Plan(spec);
  ASSERT_TRUE(planned.ok());
  EXPECT_EQ(ByPath(*planned).count("var/lib/dpkg/info/libbase:amd64.list"), 1u);
  // The .deb must be what the lock says.
  LayerPackage wrong = app;
  wrong.version = "1.1";
  spec.packages = {wrong};
  planned = Plan(spec);
  ASSERT_FALSE(planned.ok());
  EXPECT_NE(planned.status().message().find("is app 1.0 (amd64), not app 1.1 (amd64)"),
            std::string::npos)
      << planned.status();
  spec.packages = {app};
  spec.below = {app};
  EXPECT_FALSE(Plan(spec).ok());  // both here and below
}

TEST_F(PackageLayerTest, CompressionsAndBrokenArchives) {
  for (const char* z : {"xz", "zstd", "none"}) {
    PackageLayerSpec spec;
    spec.packages.push_back(Deb(absl::StrCat("pkg-", z), "1", {{"/usr/bin/x", z}}, "", z));
    auto planned = Plan(spec);
    ASSERT_TRUE(planned.ok()) << z << ": " << planned.status();
  }
  // An ar archive whose data member has a compression dpkg does not write.
  std::string dir = root_ + "/odd";
  ASSERT_EQ(std::system(absl::StrCat("mkdir -p ", dir, " && cd ", dir,
                                     " && printf '2.0\\n' > debian-binary && "
                                     "printf 'Package: odd\\n' > control && "
                                     "tar czf control.tar.gz control && echo x > data.tar.lz4 && "
                                     "ar rc odd.deb debian-binary control.tar.gz data.tar.lz4")
                            .c_str()),
            0);
  auto entries = ExtractDebData(dir + "/odd.deb", dir);
  ASSERT_FALSE(entries.ok());
  EXPECT_NE(entries.status().message().find("data.tar.lz4: an unknown compression"),
            std::string::npos)
      << entries.status();
  std::ofstream(root_ + "/notadeb.deb") << "hello";
  EXPECT_FALSE(ReadDebControl(root_ + "/notadeb.deb").ok());
}

TEST_F(PackageLayerTest, SameBytesWhateverTheOrder) {
  LayerPackage a = Deb("aaa", "1", {{"/usr/share/a", "a"}, {"/usr/share/common/x", "c"}});
  LayerPackage b = Deb("bbb", "1", {{"/usr/share/b", "b"}, {"/usr/share/common/x", "c"}});
  std::string digests[2];
  for (int i = 0; i < 2; ++i) {
    PackageLayerSpec spec;
    spec.packages = i == 0 ? std::vector<LayerPackage>{a, b} : std::vector<LayerPackage>{b, a};
    auto planned = Plan(spec);
    ASSERT_TRUE(planned.ok()) << planned.status();
    LayerOptions options;
    auto d = BuildLayer(*planned, options, absl::StrCat(root_, "/layer", i, ".tar.gz"), "");
    ASSERT_TRUE(d.ok()) << d.status();
    digests[i] = d->digest;
  }
  EXPECT_EQ(digests[0], digests[1]);
}

TEST(StatusRecordTest, ConffilesFromMd5sums) {
  DebControl control;
  control.control = "Package: app\nVersion: 1\nArchitecture: all\nDescription: x\n";
  control.md5sums = "0123456789abcdef0123456789abcdef  etc/app.conf\n";
  control.conffiles = "/etc/app.conf\nremove-on-upgrade /etc/old.conf\n";
  auto record = DpkgStatusRecord(control, "app");
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(*record,
            "Package: app\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n"
            "Conffiles:\n /etc/app.conf 0123456789abcdef0123456789abcdef\n /etc/old.conf "
            "newconffile\nDescription: x\n");
}

}  // namespace
}  // namespace stowage
