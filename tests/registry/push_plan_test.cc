#include "builder/registry/push_plan.h"

#include <cstdlib>

#include "absl/strings/match.h"
#include "builder/common/files.h"
#include "builder/digest/sha256.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

class PushPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::getenv("TEST_TMPDIR");
    Write("config.json", config_ = R"({"os":"linux"})");
    Write("layer.tgz", layer_ = "layer bytes");
    Write("layer.json", Descriptor(layer_, R"(,"source":"127.0.0.1:5000/base/os")"));
    Write("other.tgz", "other");
    Write("other.json", Descriptor("other", ""));
  }
  std::string Descriptor(const std::string& blob, const std::string& extra) {
    return "{\"digest\":\"" + Sha256Digest(blob) + "\",\"size\":" + std::to_string(blob.size()) +
           ",\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\"" + extra + "}";
  }
  std::string Manifest(const std::string& extra_layer) {
    return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
           Sha256Digest(config_) + R"(","size":)" + std::to_string(config_.size()) +
           R"(},"layers":[)" + Descriptor(layer_, "") + extra_layer + "]}";
  }
  void Write(const std::string& name, const std::string& text) {
    ASSERT_TRUE(WriteFileAtomically(dir_ + "/" + name, text).ok());
  }
  ImageFiles Image() {
    return ImageFiles{dir_ + "/manifest.json",
                      dir_ + "/config.json",
                      {{dir_ + "/layer.json", dir_ + "/layer.tgz"}}};
  }
  std::string dir_, config_, layer_;
  RepositoryRef target_{"127.0.0.1:5000", "team/app"};
};

TEST_F(PushPlanTest, PlansBlobsAndMounts) {
  Write("manifest.json", Manifest(""));
  auto plan = PlanImage(Image(), target_);
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->blobs.size(), 2u);
  EXPECT_EQ(plan->blobs[0].kind, "config");
  EXPECT_EQ(plan->blobs[1].mount_from, "base/os");
  EXPECT_EQ(plan->mount_sources, std::vector<std::string>{"base/os"});
  EXPECT_EQ(plan->top.media_type, "application/vnd.oci.image.manifest.v1+json");
  // Another registry: no mount.
  plan = PlanImage(Image(), RepositoryRef{"other:5000", "team/app"});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->blobs[1].mount_from, "");
}

TEST_F(PushPlanTest, MissingOrExtraLayersAreErrors) {
  Write("manifest.json", Manifest("," + Descriptor("other", "")));
  auto plan = PlanImage(Image(), target_);
  ASSERT_FALSE(plan.ok());
  EXPECT_TRUE(absl::StrContains(plan.status().message(), "no --layer descriptor gives it"));
  Write("manifest.json", Manifest(""));
  ImageFiles extra = Image();
  extra.layers.push_back({dir_ + "/other.json", dir_ + "/other.tgz"});
  EXPECT_FALSE(PlanImage(extra, target_).ok());
}

TEST_F(PushPlanTest, WrongBlobIsCaughtBeforeUpload) {
  LocalBlob blob{Sha256Digest(layer_), static_cast<int64_t>(layer_.size()), dir_ + "/other.tgz",
                 "layer", ""};
  EXPECT_FALSE(VerifyLocalBlob(blob).ok());
  blob.path = dir_ + "/layer.tgz";
  EXPECT_TRUE(VerifyLocalBlob(blob).ok());
  Write("same-size.tgz", std::string(layer_.size(), 'x'));
  blob.path = dir_ + "/same-size.tgz";
  absl::Status s = VerifyLocalBlob(blob);
  EXPECT_TRUE(absl::StrContains(s.message(), "has digest")) << s;
}

}  // namespace
}  // namespace registry
}  // namespace stowage
