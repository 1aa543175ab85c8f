#include "builder/registry/pull.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "builder/common/files.h"
#include "builder/digest/sha256.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

const char kIndex[] = R"({"manifests":[
  {"digest":"sha256:aa","platform":{"os":"linux","architecture":"arm","variant":"v7"}},
  {"digest":"sha256:bb","platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
  {"digest":"sha256:cc","platform":{"os":"linux","architecture":"amd64"}},
  {"digest":"sha256:dd","platform":{"os":"linux","architecture":"amd64"}}]})";

TEST(PlatformTest, ParsesAndSelectsFirstMatch) {
  auto index = nlohmann::json::parse(kIndex);
  auto p = ParsePlatform("linux/amd64");
  ASSERT_TRUE(p.ok());
  auto m = SelectPlatform(index, *p);
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)["digest"], "sha256:cc");
  m = SelectPlatform(index, *ParsePlatform("linux/arm64/v8"));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)["digest"], "sha256:bb");
  m = SelectPlatform(index, *ParsePlatform("linux/arm/v6"));
  ASSERT_FALSE(m.ok());
  EXPECT_TRUE(absl::StrContains(m.status().message(), "linux/arm/v7")) << m.status();
  EXPECT_FALSE(ParsePlatform("linux").ok());
  EXPECT_FALSE(ParsePlatform("linux//").ok());
}

TEST(MediaTypeTest, DockerToOci) {
  EXPECT_EQ(OciLayerMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip"),
            "application/vnd.oci.image.layer.v1.tar+gzip");
  EXPECT_EQ(OciLayerMediaType("application/vnd.oci.image.layer.v1.tar+zstd"),
            "application/vnd.oci.image.layer.v1.tar+zstd");
  EXPECT_EQ(CompressionOf("application/vnd.oci.image.layer.v1.tar+zstd"), "zstd");
  EXPECT_EQ(CompressionOf("application/vnd.docker.image.rootfs.diff.tar.gzip"), "gzip");
  EXPECT_EQ(CompressionOf("application/vnd.oci.image.layer.v1.tar"), "none");
}

// A layout on disk: pulled files verify, a tampered blob fails and leaves no pull.json.
class LayoutPullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::string(std::getenv("TEST_TMPDIR")) + "/layout";
    ASSERT_EQ(system(("rm -rf " + dir_ + " && mkdir -p " + dir_ + "/blobs/sha256").c_str()), 0);
    layer_ = "layer-bytes";
    config_ =
        R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:)" +
        std::string(64, 'e') + R"("]}})";
    manifest_ =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
        Sha256Digest(config_) + R"(","size":)" + std::to_string(config_.size()) +
        R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
        Sha256Digest(layer_) + R"(","size":)" + std::to_string(layer_.size()) + "}]}";
    for (const std::string* b : {&layer_, &config_, &manifest_}) Blob(*b, *b);
    ASSERT_TRUE(
        WriteFileAtomically(
            dir_ + "/index.json",
            R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
                Sha256Digest(manifest_) +
                R"(","size":1,"annotations":{"org.opencontainers.image.ref.name":"base"}}]})")
            .ok());
  }
  void Blob(const std::string& content, const std::string& written) {
    ASSERT_TRUE(
        WriteFileAtomically(dir_ + "/blobs/sha256/" + std::string(DigestHex(Sha256Digest(content))),
                            written)
            .ok());
  }
  PullRequest Request(const std::string& out) {
    PullRequest r;
    r.layout = dir_;
    r.tag = "base";
    r.output = std::string(std::getenv("TEST_TMPDIR")) + "/" + out;
    return r;
  }
  std::string dir_, layer_, config_, manifest_;
};

TEST_F(LayoutPullTest, PullsByTagAndDigest) {
  auto digest = Pull(Request("out1"), nullptr);
  ASSERT_TRUE(digest.ok()) << digest.status();
  EXPECT_EQ(*digest, Sha256Digest(manifest_));
  auto desc = ReadFile(Request("out1").output + "/descriptor.json");
  ASSERT_TRUE(desc.ok());
  EXPECT_TRUE(absl::StrContains(*desc, R"("platform":{"architecture":"arm64","os":"linux"})"))
      << *desc;
  auto layer = ReadFile(Request("out1").output + "/layer0.json");
  ASSERT_TRUE(layer.ok());
  EXPECT_TRUE(absl::StrContains(*layer, "\"diffId\":\"sha256:eee")) << *layer;
  EXPECT_FALSE(absl::StrContains(*layer, "source"));
  PullRequest by_digest = Request("out2");
  by_digest.digest = *digest;
  EXPECT_TRUE(Pull(by_digest, nullptr).ok());
  by_digest.digest = Sha256Digest("something else");
  EXPECT_FALSE(Pull(by_digest, nullptr).ok());
}

TEST_F(LayoutPullTest, TamperedBlobFails) {
  Blob(layer_, "layer-bytez");  // same size, other bytes
  auto digest = Pull(Request("out3"), nullptr);
  ASSERT_FALSE(digest.ok());
  EXPECT_TRUE(absl::StrContains(digest.status().message(), "does not match its digest"))
      << digest.status();
  EXPECT_FALSE(ReadFile(Request("out3").output + "/pull.json").ok());
  Blob(layer_, "layer-bytes-and-more");
  EXPECT_FALSE(Pull(Request("out4"), nullptr).ok());
}

}  // namespace
}  // namespace registry
}  // namespace stowage
