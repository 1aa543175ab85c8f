// Checks what the oci_layer targets in this package really produced (blobs passed as args).
#include <string>
#include <vector>

#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/digest/sha256.h"
#include "gtest/gtest.h"
#include "tests/layer/tar_reader.h"

namespace stowage {
namespace {

std::vector<std::string> g_args;

// The path among the args whose file name starts with `prefix` (e.g. "app_layer.tar").
std::string Arg(const std::string& prefix) {
  for (const std::string& a : g_args) {
    if (a.rfind("/" + prefix) != std::string::npos) return a;
  }
  return "";
}

struct Expected {
  std::string name;
  char type;
  unsigned mode;
};

void CheckLayer(const std::string& blob_path, const std::string& descriptor_path,
                const std::vector<Expected>& want, int64_t uid) {
  auto blob = ReadFile(blob_path);
  ASSERT_TRUE(blob.ok()) << blob.status();
  auto descriptor = ReadJsonFile(descriptor_path);
  ASSERT_TRUE(descriptor.ok()) << descriptor.status();
  EXPECT_EQ((*descriptor)["digest"], Sha256Digest(*blob));
  EXPECT_EQ((*descriptor)["size"], blob->size());
  std::string tar = Decompress(*blob);
  EXPECT_EQ((*descriptor)["diffId"], Sha256Digest(tar));
  std::vector<ReadEntry> got = ReadTar(*blob);
  // Every input shows up exactly once, nothing more: catches dropped or duplicated paths.
  ASSERT_EQ(got.size(), want.size());
  EXPECT_EQ((*descriptor)["entries"], want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].name, want[i].name);
    EXPECT_EQ(got[i].type, want[i].type) << want[i].name;
    EXPECT_EQ(got[i].mode, want[i].mode) << want[i].name;
    EXPECT_EQ(got[i].uid, uid) << want[i].name;
    EXPECT_FALSE(got[i].has_uname) << want[i].name;
  }
}

TEST(OciLayerRuleTest, AppLayerHasEveryInputWithItsMode) {
  CheckLayer(Arg("app_layer.tar"), Arg("app_layer.descriptor.json"),
             {
                 {"app/", 'd', 0755},
                 {"app/current", 'l', 0777},
                 {"app/hello", 'f', 0755},  // a Bazel-built binary keeps its executable bit
                 {"app/static_tree/", 'd', 0755},
                 {"app/static_tree/css/", 'd', 0755},
                 {"app/static_tree/css/site.css", 'f', 0644},  // Bazel's 0555 is not copied
                 {"app/static_tree/js/", 'd', 0755},
                 {"app/static_tree/js/app.js", 'f', 0644},
                 {"app/testdata/", 'd', 0755},
                 {"app/testdata/a.txt", 'f', 0600},  // from modes
                 {"app/testdata/sub/", 'd', 0755},
                 {"app/testdata/sub/b.txt", 'f', 0644},
                 {"app/testdata/tool.sh", 'f', 0755},  // executable in the workspace
                 {"var/", 'd', 0755},
                 {"var/tmp/", 'd', 01777},
             },
             1000);
}

TEST(OciLayerRuleTest, RunfilesGoBesideTheBinary) {
  CheckLayer(Arg("runfiles_layer.tar"), Arg("runfiles_layer.descriptor.json"),
             {
                 {"opt/", 'd', 0755},
                 {"opt/hello", 'f', 0755},
                 {"opt/hello.runfiles/", 'd', 0755},
                 {"opt/hello.runfiles/stowage/", 'd', 0755},
                 {"opt/hello.runfiles/stowage/tests/", 'd', 0755},
                 {"opt/hello.runfiles/stowage/tests/layer/", 'd', 0755},
                 {"opt/hello.runfiles/stowage/tests/layer/hello", 'f', 0755},
                 {"opt/hello.runfiles/stowage/tests/layer/testdata/", 'd', 0755},
                 {"opt/hello.runfiles/stowage/tests/layer/testdata/a.txt", 'f', 0644},
             },
             0);
}

TEST(OciLayerRuleTest, StripPrefixIsRelativeToThePackage) {
  CheckLayer(Arg("stripped_layer.tar"), Arg("stripped_layer.descriptor.json"),
             {{"sub/", 'd', 0755}, {"sub/b.txt", 'f', 0644}}, 0);
}

TEST(OciLayerRuleTest, WhiteoutsAndOpaqueDirectoriesAreEmptyMarkerFiles) {
  CheckLayer(Arg("whiteout_layer.tar"), Arg("whiteout_layer.descriptor.json"),
             {
                 {".wh.old.txt", 'f', 0644},
                 {"etc/", 'd', 0755},
                 {"etc/.wh.motd", 'f', 0644},
                 {"var/", 'd', 0755},
                 {"var/cache/", 'd', 0755},
                 {"var/cache/.wh..wh..opq", 'f', 0644},
                 {"var/cache/testdata/", 'd', 0755},
                 {"var/cache/testdata/a.txt", 'f', 0644},
             },
             0);
  auto blob = ReadFile(Arg("whiteout_layer.tar"));
  ASSERT_TRUE(blob.ok());
  for (const ReadEntry& e : ReadTar(*blob)) {
    if (e.name.find(".wh.") != std::string::npos) {
      EXPECT_EQ(e.contents, "") << e.name;
    }
  }
}

TEST(OciLayerRuleTest, ContentsSurviveTheRoundTrip) {
  auto blob = ReadFile(Arg("app_layer.tar"));
  ASSERT_TRUE(blob.ok());
  for (const ReadEntry& e : ReadTar(*blob)) {
    if (e.name == "app/testdata/a.txt") {
      EXPECT_EQ(e.contents, "alpha\n");
    }
    if (e.name == "app/static_tree/js/app.js") {
      EXPECT_EQ(e.contents, "let x;\n");
    }
  }
}

}  // namespace
}  // namespace stowage

int main(int argc, char** argv) {
  testing::InitGoogleTest(&argc, argv);
  stowage::g_args.assign(argv + 1, argv + argc);
  return RUN_ALL_TESTS();
}
