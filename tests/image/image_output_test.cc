// Layout, tarball, index and reference grammar tests, on small images built in a temp dir.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/digest/sha256.h"
#include "builder/oci/image_builder.h"
#include "builder/oci/image_set.h"
#include "builder/oci/index_builder.h"
#include "builder/oci/layout.h"
#include "builder/oci/media_types.h"
#include "builder/oci/reference.h"
#include "builder/oci/tarball.h"
#include "gtest/gtest.h"

namespace stowage {
namespace oci {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ImageOutputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* tmp = std::getenv("TEST_TMPDIR");
    dir_ = fs::path(tmp ? tmp : "/tmp") /
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }

  std::string Put(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    EXPECT_TRUE(WriteFileAtomically(path, bytes).ok());
    return path;
  }

  // A layer file with its descriptor (the blob is not a real tar: only digests matter here).
  json AddLayer(const std::string& name, const std::string& content,
                const std::string& media_type = kOciLayerGzip) {
    std::string blob = Put(name + ".blob", content);
    json desc = {{"mediaType", media_type},
                 {"digest", Sha256Digest(content)},
                 {"size", content.size()},
                 {"diffId", Sha256Digest(content + "-uncompressed")}};
    std::string desc_path = Put(name + ".json", desc.dump());
    return {{"descriptor", desc_path}, {"blob", blob}, {"link", false}};
  }

  // An image over `layers`, written as config/manifest/descriptor files; returns its spec entry.
  json AddImage(const std::string& name, const std::vector<json>& layers,
                ImageFormat format = ImageFormat::kOci, const std::string& arch = "amd64") {
    ImageInputs in;
    in.options.format = format;
    in.options.architecture = arch;
    for (const json& l : layers) {
      NewLayer nl;
      nl.layer = *ReadLayerDescriptor(l["descriptor"]);
      nl.created_by = name;
      in.layers.push_back(nl);
    }
    auto image = AssembleImage(in);
    EXPECT_TRUE(image.ok()) << image.status();
    return {
        {"config", Put(name + ".config.json", image->config)},
        {"manifest", Put(name + ".manifest.json", image->manifest)},
        {"descriptor", Put(name + ".descriptor.json", CanonicalJson(image->descriptor).value())},
        {"layers", layers}};
  }

  fs::path dir_;
};

std::map<std::string, std::string> ReadTar(const std::string& path,
                                           std::vector<std::string>* order = nullptr) {
  std::map<std::string, std::string> out;
  archive* a = archive_read_new();
  archive_read_support_format_tar(a);
  EXPECT_EQ(archive_read_open_filename(a, path.c_str(), 10240), ARCHIVE_OK);
  archive_entry* e;
  while (archive_read_next_header(a, &e) == ARCHIVE_OK) {
    std::string name = archive_entry_pathname(e);
    EXPECT_EQ(archive_entry_mtime(e), 0) << name;
    EXPECT_EQ(archive_entry_uid(e), 0) << name;
    std::string data;
    char buf[8192];
    la_ssize_t n;
    while ((n = archive_read_data(a, buf, sizeof buf)) > 0) data.append(buf, n);
    out[name] = data;
    if (order) order->push_back(name);
  }
  archive_read_free(a);
  return out;
}

TEST_F(ImageOutputTest, LayoutHoldsEveryBlobAndTaggedIndex) {
  json l1 = AddLayer("l1", "layer one"), l2 = AddLayer("l2", "layer two");
  json spec = {{"images", {AddImage("app", {l1, l2})}}};
  auto set = LoadImageSet(spec);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->blobs.size(), 4u);  // two layers, config, manifest
  std::string out = (dir_ / "layout").string();
  fs::create_directories(out);  // Bazel pre-creates tree artifacts
  ASSERT_TRUE(WriteLayout(*set, "v1.0", out).ok());
  EXPECT_EQ(*ReadFile(out + "/oci-layout"), R"({"imageLayoutVersion":"1.0.0"})");
  json index = json::parse(*ReadFile(out + "/index.json"));
  EXPECT_EQ(index["mediaType"], kOciIndex);
  ASSERT_EQ(index["manifests"].size(), 1u);
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "v1.0");
  for (const Blob& blob : set->blobs) {
    std::string path = out + "/" + BlobPath(blob.digest);
    EXPECT_EQ(*Sha256OfFile(path), blob.digest);
  }
  EXPECT_EQ(*ReadFile(out + "/" + BlobPath(Sha256Digest("layer one"))), "layer one");
}

TEST_F(ImageOutputTest, LayoutHardLinksWhenAllowed) {
  json l1 = AddLayer("l1", "linked layer");
  l1["link"] = true;
  auto set = LoadImageSet({{"images", {AddImage("app", {l1})}}});
  ASSERT_TRUE(set.ok());
  std::string out = (dir_ / "layout").string();
  ASSERT_TRUE(WriteLayout(*set, "", out).ok());
  struct stat a, b;
  ASSERT_EQ(stat((out + "/" + BlobPath(Sha256Digest("linked layer"))).c_str(), &a), 0);
  ASSERT_EQ(stat(l1["blob"].get<std::string>().c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
  json index = json::parse(*ReadFile(out + "/index.json"));
  EXPECT_FALSE(index["manifests"][0].contains("annotations"));  // untagged
}

TEST_F(ImageOutputTest, CorruptBlobFailsAndLeavesNothing) {
  json l1 = AddLayer("l1", "honest"), l2 = AddLayer("l2", "tampered");
  json spec = {{"images", {AddImage("app", {l1, l2})}}};
  Put("l2.blob", "tampereD");  // same size, other bytes
  auto set = LoadImageSet(spec);
  ASSERT_TRUE(set.ok());
  std::string out = (dir_ / "layout").string();
  absl::Status s = WriteLayout(*set, "x", out);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "l2.blob")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "digest")) << s;
  std::string tar = (dir_ / "out.tar").string();
  s = WriteTarball(*set, {"app:1"}, tar);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  // Nothing half-written: no layout, no tar, no temporaries.
  for (const auto& entry : fs::directory_iterator(dir_)) {
    std::string name = entry.path().filename().string();
    EXPECT_FALSE(absl::StartsWith(name, "layout")) << name;
    EXPECT_FALSE(absl::StartsWith(name, "out.tar")) << name;
  }

  Put("l2.blob", "tampered but longer");
  set = LoadImageSet(spec);
  ASSERT_TRUE(set.ok());
  EXPECT_FALSE(WriteTarball(*set, {}, tar).ok());
  EXPECT_FALSE(fs::exists(tar));
}

TEST_F(ImageOutputTest, ManifestAndGivenLayersMustAgree) {
  json l1 = AddLayer("l1", "one"), l2 = AddLayer("l2", "two");
  json image = AddImage("app", {l1, l2});
  json swapped = image;
  swapped["layers"] = {l2, l1};
  auto set = LoadImageSet({{"images", {swapped}}});
  ASSERT_FALSE(set.ok());
  json missing = image;
  missing["layers"] = {l1};
  EXPECT_FALSE(LoadImageSet({{"images", {missing}}}).ok());
  json wrong_config = image;
  wrong_config["config"] = Put("other.json", "{}");
  set = LoadImageSet({{"images", {wrong_config}}});
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(absl::StrContains(set.status().message(), "not the config")) << set.status();
  // A layer descriptor whose diffId is not the config's.
  json other = l2;
  json other_desc = json::parse(*ReadFile(l2["descriptor"]));
  other_desc["diffId"] = Sha256Digest("something else");
  other["descriptor"] = Put("l2.other.json", other_desc.dump());
  json bad_diff = image;
  bad_diff["layers"] = {l1, other};
  set = LoadImageSet({{"images", {bad_diff}}});
  ASSERT_FALSE(set.ok());
  EXPECT_TRUE(absl::StrContains(set.status().message(), "diff_id 1")) << set.status();
  json wrong_desc = image;
  wrong_desc["descriptor"] =
      Put("d.json",
          json({{"mediaType", kOciManifest}, {"digest", Sha256Digest("x")}, {"size", 1}}).dump());
  EXPECT_FALSE(LoadImageSet({{"images", {wrong_desc}}}).ok());
}

TEST_F(ImageOutputTest, TarballIsDockerArchiveAndOciLayout) {
  json l1 = AddLayer("l1", "base layer"), l2 = AddLayer("l2", "app layer");
  json image = AddImage("app", {l1, l2}, ImageFormat::kDocker);
  auto set = LoadImageSet({{"images", {image}}});
  ASSERT_TRUE(set.ok());
  std::string tar = (dir_ / "app.tar").string();
  ASSERT_TRUE(WriteTarball(*set, {"localhost:5000/team/app:v1", "app"}, tar).ok());
  std::vector<std::string> order;
  auto entries = ReadTar(tar, &order);
  std::vector<std::string> sorted = order;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(order, sorted);
  json config_desc = json::parse(*ReadFile(image["manifest"]))["config"];
  json manifest = json::parse(entries.at("manifest.json"));
  ASSERT_EQ(manifest.size(), 1u);
  EXPECT_EQ(manifest[0]["Config"], BlobPath(config_desc["digest"]));
  EXPECT_EQ(manifest[0]["RepoTags"], json::array({"localhost:5000/team/app:v1", "app:latest"}));
  EXPECT_EQ(manifest[0]["Layers"], json::array({BlobPath(Sha256Digest("base layer")),
                                                BlobPath(Sha256Digest("app layer"))}));
  for (const auto& layer : manifest[0]["Layers"]) EXPECT_TRUE(entries.count(layer));
  EXPECT_EQ(entries.at(BlobPath(Sha256Digest("app layer"))), "app layer");
  json index = json::parse(entries.at("index.json"));
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_EQ(index["manifests"][0]["annotations"]["io.containerd.image.name"],
            "localhost:5000/team/app:v1");
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "v1");
  EXPECT_EQ(entries.at("oci-layout"), kOciLayoutFile);
  json repos = json::parse(entries.at("repositories"));
  EXPECT_EQ(repos["app"]["latest"], std::string(DigestHex(Sha256Digest("app layer"))));

  // Deterministic: the same inputs give the same bytes.
  std::string again = (dir_ / "again.tar").string();
  ASSERT_TRUE(WriteTarball(*set, {"localhost:5000/team/app:v1", "app"}, again).ok());
  EXPECT_EQ(*ReadFile(tar), *ReadFile(again));
}

TEST_F(ImageOutputTest, TarballRejectsBadTagsAndIndexes) {
  json l1 = AddLayer("l1", "x");
  auto set = LoadImageSet({{"images", {AddImage("app", {l1})}}});
  ASSERT_TRUE(set.ok());
  std::string tar = (dir_ / "app.tar").string();
  absl::Status s = WriteTarball(*set, {"App:Latest"}, tar);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::StrContains(s.message(), "App:Latest"));
  EXPECT_FALSE(fs::exists(tar));
  EXPECT_FALSE(WriteLayout(*set, "bad tag!", (dir_ / "layout").string()).ok());
}

TEST_F(ImageOutputTest, IndexOfTwoPlatformsInALayout) {
  json l1 = AddLayer("l1", "shared");
  json amd = AddImage("amd", {l1}, ImageFormat::kOci, "amd64");
  json arm = AddImage("arm", {l1}, ImageFormat::kOci, "arm64");
  std::vector<Descriptor> descs;
  for (const json& img : {amd, arm}) {
    descs.push_back(*ParseDescriptor(json::parse(*ReadFile(img["descriptor"])), "d"));
  }
  auto index = BuildIndex(descs, {{"org.opencontainers.image.version", "1"}});
  ASSERT_TRUE(index.ok()) << index.status();
  json parsed = json::parse(index->index);
  EXPECT_EQ(parsed["mediaType"], kOciIndex);
  EXPECT_EQ(parsed["manifests"][1]["platform"]["architecture"], "arm64");
  EXPECT_EQ(index->descriptor["digest"], Sha256Digest(index->index));
  json spec = {
      {"images", {amd, arm}},
      {"index",
       {{"descriptor", Put("index.descriptor.json", CanonicalJson(index->descriptor).value())},
        {"index", Put("index.json", index->index)}}}};
  auto set = LoadImageSet(spec);
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->root.media_type, kOciIndex);
  EXPECT_EQ(set->blobs.size(), 6u);  // shared layer once, 2 configs, 2 manifests, index
  std::string out = (dir_ / "layout").string();
  ASSERT_TRUE(WriteLayout(*set, "multi", out).ok());
  json top = json::parse(*ReadFile(out + "/index.json"));
  EXPECT_EQ(top["manifests"][0]["mediaType"], kOciIndex);
  EXPECT_FALSE(WriteTarball(*set, {"app:1"}, (dir_ / "t.tar").string()).ok());
}

TEST_F(ImageOutputTest, IndexRejectsMixedFormatsAndDuplicatePlatforms) {
  json l1 = AddLayer("l1", "x");
  auto desc = [&](const json& img) {
    return *ParseDescriptor(json::parse(*ReadFile(img["descriptor"])), "d");
  };
  Descriptor oci = desc(AddImage("a", {l1}, ImageFormat::kOci, "amd64"));
  Descriptor docker = desc(AddImage("b", {l1}, ImageFormat::kDocker, "arm64"));
  auto mixed = BuildIndex({oci, docker}, {});
  ASSERT_FALSE(mixed.ok());
  EXPECT_TRUE(absl::StrContains(mixed.status().message(), "mixes"));
  EXPECT_FALSE(BuildIndex({oci, oci}, {}).ok());
  auto list = BuildIndex({docker}, {{"a", "b"}});
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(json::parse(list->index)["mediaType"], kDockerManifestList);
  EXPECT_FALSE(json::parse(list->index).contains("annotations"));
  Descriptor no_platform = oci;
  no_platform.platform = nullptr;
  EXPECT_FALSE(BuildIndex({no_platform}, {}).ok());
}

TEST(Reference, RefNameGrammar) {
  for (const char* ok : {"latest", "v1.0", "app/web:1", "a--b", "A_b-C.d", "x@y+z"}) {
    EXPECT_TRUE(ValidateRefName(ok).ok()) << ok;
  }
  for (const char* bad : {"", "-x", "x-", "a b", "a//b", "a---b", "a..b", "é", "/a", "a/"}) {
    EXPECT_FALSE(ValidateRefName(bad).ok()) << bad;
  }
}

TEST(Reference, RepoTags) {
  auto t = ParseRepoTag("localhost:5000/team/app:v1.2");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->repository, "localhost:5000/team/app");
  EXPECT_EQ(t->tag, "v1.2");
  EXPECT_EQ(ParseRepoTag("app")->ToString(), "app:latest");
  EXPECT_EQ(ParseRepoTag("registry.example:443/a/b")->tag, "latest");
  EXPECT_EQ(ParseRepoTag("a.b/c__d/e-f:_x")->repository, "a.b/c__d/e-f");
  for (const char* bad : {"", "App", "app:", "app:-x", "app@sha256:abc", "a//b", "app:t!", "-app",
                          "app_", "host:port/app"}) {
    EXPECT_FALSE(ParseRepoTag(bad).ok()) << bad;
  }
  EXPECT_FALSE(ParseRepoTag("app:" + std::string(129, 'x')).ok());
}

TEST(Reference, LongInputIsAnErrorNotACrash) {
  // std::regex recursed once per character here and overflowed the stack on long names.
  std::string component;
  for (int i = 0; i < 200000; ++i) component += "a-";
  component += "a";
  EXPECT_FALSE(ParseRepoTag(component).ok());
  EXPECT_FALSE(ParseRepoTag("app:" + component).ok());
  EXPECT_TRUE(ValidateRefName(component + "/" + component).ok());  // long, but valid
  EXPECT_FALSE(ValidateRefName(component + "/" + component + "/").ok());
  EXPECT_FALSE(ParseRepoTag(component + ".example/app").ok());
}

}  // namespace
}  // namespace oci
}  // namespace stowage
