// The whole pipeline and the tree writer: WhiteNoise modes, determinism, all-or-nothing output.
#include "builder/static/static_assets.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/match.h"
#include "builder/common/files.h"
#include "builder/static/compress.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using ::testing::HasSubstr;

class StaticAssetsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/static_assets_test.XXXXXX";
    root_ = mkdtemp(templ);
  }
  void TearDown() override { std::system(("rm -rf " + root_).c_str()); }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = root_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  StaticSource Source() {
    std::string css;
    for (int i = 0; i < 50; ++i) css += ".c" + std::to_string(i) + "{background:url(p.png)}\n";
    std::string js;
    for (int i = 0; i < 300; ++i)
      js += "function f" + std::to_string(i) + "(){return " + std::to_string(i) + "}\n";
    return StaticSource{"",
                        "",
                        {{"a.css", Write("a.css", css)},
                         {"p.png", Write("p.png", "\x89PNG not really")},
                         {"app.js", Write("app.js", js)},
                         {"copy.js", Write("copy.js", js)},
                         {"ok.txt", Write("ok.txt", "ok\n")}},
                        {}};
  }

  std::string root_;
};

TEST_F(StaticAssetsTest, DefaultModeCompressesOriginalsAndHashedCopies) {
  auto assets = BuildStaticAssets({Source()}, DefaultStaticAssetsOptions());
  ASSERT_TRUE(assets.ok()) << assets.status();
  std::vector<std::string> names;
  for (const auto& [name, blob] : assets->files) names.push_back(name);
  std::string js_hash = Md5Hex(assets->files.at("app.js")->data).substr(0, 12);
  std::vector<std::string> wanted = {"a.css.br",
                                     "a.css.gz",
                                     "app.js.br",
                                     "app.js.gz",
                                     "app." + js_hash + ".js.br",
                                     "app." + js_hash + ".js.gz",
                                     "staticfiles.json"};
  for (const std::string& want : wanted) EXPECT_TRUE(assets->files.count(want)) << want;
  EXPECT_FALSE(assets->files.count("p.png.gz"));
  EXPECT_FALSE(assets->files.count("ok.txt.gz"));
  // Identical contents are compressed once and share the result.
  EXPECT_EQ(assets->files.at("app.js.br"), assets->files.at("copy.js.br"));
  EXPECT_EQ(assets->files.at("staticfiles.json")->data, assets->manifest);
}

TEST_F(StaticAssetsTest, KeepOnlyHashedFiles) {
  StaticAssetsOptions options = DefaultStaticAssetsOptions();
  options.keep_only_hashed_files = true;
  options.brotli = false;
  auto assets = BuildStaticAssets({Source()}, options);
  ASSERT_TRUE(assets.ok()) << assets.status();
  for (const auto& [name, blob] : assets->files) {
    EXPECT_TRUE(name == "staticfiles.json" || name.find('.') != name.rfind('.')) << name;
    EXPECT_FALSE(absl::EndsWith(name, ".br")) << name;
  }
  EXPECT_FALSE(assets->files.count("a.css"));
}

TEST_F(StaticAssetsTest, SameBytesAtAnyThreadCount) {
  StaticAssetsOptions one = DefaultStaticAssetsOptions(), many = one;
  one.threads = 1;
  many.threads = 8;
  auto a = BuildStaticAssets({Source()}, one);
  auto b = BuildStaticAssets({Source()}, many);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->files.size(), b->files.size());
  for (const auto& [name, blob] : a->files) EXPECT_EQ(blob->data, b->files.at(name)->data) << name;
}

TEST_F(StaticAssetsTest, ReusesPrecompressedVariantsForOriginalsAndHashedCopies) {
  StaticSource source = Source();
  std::string app_js;
  for (const auto& [rel, path] : source.files) {
    if (rel == "app.js") app_js = path;
  }
  auto precomputed = PrecompressFiles({app_js}, true, true, 1);
  ASSERT_TRUE(precomputed.ok()) << precomputed.status();
  ASSERT_TRUE(precomputed->count("0.br") && precomputed->count("0.gz"));
  EXPECT_EQ(precomputed->at("0.br")->data, *BrotliLikePython(ReadFile(app_js).value()));

  // Marker bytes stand in for the variants, to show they are taken as given.
  StaticAssetsOptions options = DefaultStaticAssetsOptions();
  options.precompressed[app_js] = Precompressed{Write("marker.br", "BR"), ""};
  auto assets = BuildStaticAssets({source}, options);
  ASSERT_TRUE(assets.ok()) << assets.status();
  std::string hashed = "app." + Md5Hex(assets->files.at("app.js")->data).substr(0, 12) + ".js";
  EXPECT_EQ(assets->files.at("app.js.br")->data, "BR");
  EXPECT_EQ(assets->files.at(hashed + ".br")->data, "BR");
  EXPECT_FALSE(assets->files.count("app.js.gz"));  // "not kept" is taken as given too
  EXPECT_NE(assets->files.at("a.css.br")->data, "BR");
}

TEST_F(StaticAssetsTest, WriteTreeIsAllOrNothingAndIgnoresUmask) {
  auto assets = BuildStaticAssets({Source()}, DefaultStaticAssetsOptions());
  ASSERT_TRUE(assets.ok());
  mode_t old = umask(077);
  std::string out = root_ + "/out";
  absl::Status written = WriteTree(assets->files, out, 2);
  umask(old);
  ASSERT_TRUE(written.ok()) << written;
  struct stat st;
  ASSERT_EQ(stat((out + "/a.css").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  ASSERT_EQ(stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0755u);
  std::ifstream in(out + "/staticfiles.json");
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), assets->manifest);

  // A tree stowage wrote may be written again (where the file system keeps the attribute that
  // marks it); a non-empty directory stowage did not write is refused and left as it was. No
  // temporary directory is left behind either way.
  if (IsMarkedStowageOutput(out)) {
    absl::Status again = WriteTree(assets->files, out, 2);
    EXPECT_TRUE(again.ok()) << again;
  }
  std::string foreign = root_ + "/foreign";
  ASSERT_EQ(mkdir(foreign.c_str(), 0755), 0);
  std::ofstream(foreign + "/mine.txt") << "precious";
  absl::Status refused = WriteTree(assets->files, foreign, 2);
  EXPECT_THAT(std::string(refused.message()),
              HasSubstr("non-empty directory that stowage did not write"));
  EXPECT_EQ(ReadFile(foreign + "/mine.txt").value_or(""), "precious");
  std::string listing;
  FILE* ls = popen(("ls " + root_).c_str(), "r");
  char buf[256];
  while (fgets(buf, sizeof(buf), ls)) listing += buf;
  pclose(ls);
  EXPECT_THAT(listing, ::testing::Not(HasSubstr(".tmp.")));
}

TEST_F(StaticAssetsTest, OnlyRegularFilesAreCollected) {
  // A FIFO with no writer once blocked the read forever; a device such as /dev/zero never ends.
  ASSERT_EQ(mkfifo((root_ + "/fifo.css").c_str(), 0644), 0);
  StaticSource source = Source();
  source.files.push_back({"fifo.css", root_ + "/fifo.css"});
  auto fifo = BuildStaticAssets({source}, DefaultStaticAssetsOptions());
  ASSERT_FALSE(fifo.ok());
  EXPECT_THAT(std::string(fifo.status().message()), HasSubstr("fifo.css"));
  EXPECT_THAT(std::string(fifo.status().message()), HasSubstr("not a regular file"));

  std::string dir = root_ + "/tree";
  ASSERT_EQ(mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(mkfifo((dir + "/pipe.js").c_str(), 0644), 0);
  StaticSource walked{"", "", {}, {{"", dir}}};
  auto in_tree = BuildStaticAssets({walked}, DefaultStaticAssetsOptions());
  EXPECT_THAT(std::string(in_tree.status().message()), HasSubstr("not a regular file"));

  // A device node of our own, like /dev/zero (c 1 5); Bazel's sandbox may not allow one.
  std::string zero = root_ + "/zero.js";
  if (mknod(zero.c_str(), S_IFCHR | 0666, makedev(1, 5)) != 0) GTEST_SKIP() << "no mknod here";
  StaticSource device = Source();
  device.files.push_back({"zero.js", zero});
  auto dev = BuildStaticAssets({device}, DefaultStaticAssetsOptions());
  EXPECT_THAT(std::string(dev.status().message()), HasSubstr("is a character device"));
}

TEST_F(StaticAssetsTest, SymlinkDagInADirectoryIsRefused) {
  // 4^45 paths if every link were walked; 45 levels also pass the kernel's 40 links per lookup
  // (ELOOP) unless the walk descends by real paths.
  for (int i = 0; i < 45; ++i) {
    std::string d = root_ + "/d" + std::to_string(i);
    ASSERT_EQ(mkdir(d.c_str(), 0755), 0);
    std::string next = "../d" + std::to_string(i + 1);
    for (const char* link : {"/a", "/b", "/c", "/d"}) {
      ASSERT_EQ(symlink(next.c_str(), (d + link).c_str()), 0);
    }
  }
  ASSERT_EQ(mkdir((root_ + "/d45").c_str(), 0755), 0);
  Write("d45/x.css", "x{}");
  StaticSource dag{"", "", {}, {{"", root_ + "/d0"}}};
  auto assets = BuildStaticAssets({dag}, DefaultStaticAssetsOptions());
  ASSERT_FALSE(assets.ok());
  EXPECT_THAT(std::string(assets.status().message()), HasSubstr("symlink DAG"));
  ASSERT_EQ(mkdir((root_ + "/c").c_str(), 0755), 0);
  ASSERT_EQ(mkdir((root_ + "/c/sub").c_str(), 0755), 0);
  ASSERT_EQ(symlink("..", (root_ + "/c/sub/loop").c_str()), 0);
  StaticSource cycle{"", "", {}, {{"", root_ + "/c"}}};
  EXPECT_THAT(
      std::string(BuildStaticAssets({cycle}, DefaultStaticAssetsOptions()).status().message()),
      HasSubstr("cycle"));
}

TEST_F(StaticAssetsTest, FailureWritesNothing) {
  StaticSource source = Source();
  source.files.push_back({"bad.css", Write("bad.css", "x{y:url(nope.png)}")});
  auto assets = BuildStaticAssets({source}, DefaultStaticAssetsOptions());
  ASSERT_FALSE(assets.ok());
  EXPECT_THAT(std::string(assets.status().message()), HasSubstr("'bad.css' line 1"));
  StaticSource unreadable{"", "", {{"gone.css", root_ + "/does-not-exist.css"}}, {}};
  auto missing = BuildStaticAssets({unreadable}, DefaultStaticAssetsOptions());
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("does-not-exist.css"));
}

}  // namespace
}  // namespace stowage
