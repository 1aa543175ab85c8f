// Hostile manifests, indexes and configs (testdata/hostile, written by make_fixtures.py),
// pulled from an OCI layout: each one is a clear error naming the field, never an exception
// or an abort, and leaves no pull.json and no temp file behind. Before the typed accessors
// several of these aborted the tool (nlohmann type_error escaping from value()/get<T>()).
#include <dirent.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "builder/common/files.h"
#include "builder/common/limits.h"
#include "builder/common/threads.h"
#include "builder/digest/sha256.h"
#include "builder/registry/pull.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

constexpr char kFixtures[] = "tests/registry/testdata/hostile/";

std::string Fixture(const std::string& name) {
  absl::StatusOr<std::string> text = ReadFile(kFixtures + name);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return out;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") out.push_back(name);
  }
  closedir(d);
  return out;
}

class HostilePullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::string(std::getenv("TEST_TMPDIR")) + "/" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    layout_ = root_ + "/layout";
    ASSERT_EQ(system(("rm -rf " + root_ + " && mkdir -p " + layout_ + "/blobs/sha256").c_str()), 0);
    Put(Fixture("layer.bin"));
    Put(Fixture("config_valid.json"));
  }
  void TearDown() override { FailThreadStartsAfterForTesting(-1); }

  // Stores a blob in the layout; returns its digest.
  std::string Put(const std::string& bytes) {
    std::string digest = Sha256Digest(bytes);
    EXPECT_TRUE(
        WriteFileAtomically(layout_ + "/blobs/sha256/" + std::string(DigestHex(digest)), bytes)
            .ok());
    return digest;
  }

  absl::StatusOr<std::string> PullTop(const std::string& manifest_bytes) {
    PullRequest request;
    request.layout = layout_;
    request.digest = Put(manifest_bytes);
    request.output = root_ + "/out";
    return Pull(request, nullptr);
  }

  // Pulls `manifest` (a fixture name) and expects an error containing `want`.
  void ExpectRefused(const std::string& manifest, const std::string& want) {
    absl::StatusOr<std::string> pulled = PullTop(Fixture(manifest));
    ASSERT_FALSE(pulled.ok()) << manifest << " was accepted";
    EXPECT_TRUE(absl::StrContains(pulled.status().message(), want))
        << manifest << ": " << pulled.status();
    // No partial result and no temp file: pull.json is written last, only on success.
    for (const std::string& name : Entries(root_ + "/out")) {
      EXPECT_NE(name, "pull.json") << manifest;
      EXPECT_FALSE(absl::StrContains(name, "tmp")) << manifest << " left " << name;
    }
    for (const std::string& name : Entries(root_ + "/out/blobs/sha256")) {
      EXPECT_FALSE(absl::StrContains(name, "tmp")) << manifest << " left " << name;
    }
  }

  std::string root_, layout_;
};

TEST_F(HostilePullTest, TheValidFixturePulls) {
  // The harness itself: the same files with nothing hostile in them pull fine.
  absl::StatusOr<std::string> pulled = PullTop(Fixture("manifest_valid.json"));
  ASSERT_TRUE(pulled.ok()) << pulled.status();
  EXPECT_TRUE(ReadFile(root_ + "/out/pull.json").ok());
}

TEST_F(HostilePullTest, WrongTypesInManifests) {
  ExpectRefused("manifest_schema_version_string.json",
                "schemaVersion: expected an integer, got a string");
  ExpectRefused("manifest_layer_media_type_number.json",
                "layers[0].mediaType: expected a string, got an integer");
  ExpectRefused("manifest_layers_object.json", "layers: expected an array, got an object");
  ExpectRefused("manifest_config_string.json", "config: expected an object, got a string");
  ExpectRefused("manifest_size_string.json", "layers[0].size: expected an integer, got a string");
  ExpectRefused("manifest_size_negative.json", "layers[0].size: expected an integer from 0");
  ExpectRefused("manifest_size_float.json", "layers[0].size: expected an integer, got a number");
  ExpectRefused("manifest_urls_not_strings.json", "layers[0].urls[0]: expected a string");
  ExpectRefused("manifest_not_object.json", "expected an object, got an array");
}

TEST_F(HostilePullTest, ErrorsNameTheDocument) {
  absl::StatusOr<std::string> pulled = PullTop(Fixture("manifest_schema_version_string.json"));
  ASSERT_FALSE(pulled.ok());
  EXPECT_TRUE(absl::StrContains(pulled.status().message(), "(in manifest sha256:"))
      << pulled.status();
  EXPECT_TRUE(absl::StrContains(pulled.status().message(), "from layout ")) << pulled.status();
}

TEST_F(HostilePullTest, BadValues) {
  ExpectRefused("manifest_layer_not_tar.json", "is not a tar layer");
  ExpectRefused("manifest_annotation_nul.json", "NUL byte");
  ExpectRefused("manifest_digest_escape.json", "layers[0]: digest: invalid digest");
  ExpectRefused("manifest_deeply_nested.json", "nested more than");
  ExpectRefused("manifest_truncated.json", "malformed JSON");
}

TEST_F(HostilePullTest, SameDigestWithTwoSizes) {
  // One blob cannot have two sizes: the second layer descriptor would have lied.
  ExpectRefused("manifest_duplicate_digest_sizes.json", "is listed with sizes 12 and 13");
}

TEST_F(HostilePullTest, ConfigTooLargeIsRefusedBeforeDownload) {
  ExpectRefused("manifest_config_too_large.json", "config: a config of 1099511627776 bytes");
}

TEST_F(HostilePullTest, WrongTypesInIndexes) {
  Put(Fixture("manifest_valid.json"));
  ExpectRefused("index_platform_string.json",
                "manifests[0].platform: expected an object, got a string");
  ExpectRefused("index_platform_os_number.json", "manifests[0].platform.os: expected a string");
  ExpectRefused("index_entry_not_object.json", "manifests[0]: expected an object, got a string");
  ExpectRefused("index_entry_size_string.json", "size: expected an integer, got a string");
  ExpectRefused("index_manifests_object.json", "manifests: expected an array, got an object");
  ExpectRefused("index_child_too_large.json", "a manifest of 1073741824 bytes is over the limit");
}

TEST_F(HostilePullTest, WrongTypesInConfigs) {
  for (const char* name : {"diff_ids_object", "rootfs_string", "diff_id_number",
                           "diff_ids_missing_one", "architecture_list"}) {
    Put(Fixture(absl::StrCat("config_", name, ".json")));
  }
  ExpectRefused("manifest_config_diff_ids_object.json",
                "rootfs.diff_ids: expected an array, got an object (in config sha256:");
  // The config is checked before layers are fetched: no layer was downloaded for it.
  std::string layer_hex(DigestHex(Sha256Digest(Fixture("layer.bin"))));
  EXPECT_FALSE(ReadFile(root_ + "/out/blobs/sha256/" + layer_hex).ok());
  ExpectRefused("manifest_config_rootfs_string.json", "rootfs: expected an object, got a string");
  ExpectRefused("manifest_config_diff_id_number.json", "rootfs.diff_ids[0]: expected a string");
  ExpectRefused("manifest_config_diff_ids_missing_one.json",
                "diff_ids lists 0 layers but the manifest 1");
  ExpectRefused("manifest_config_architecture_list.json",
                "architecture: expected a string, got an array");
}

TEST_F(HostilePullTest, LayerCountIsCapped) {
  // Before the cap, a manifest with 200,000 layers wrote 200,000 files.
  std::string config = Fixture("config_valid.json");
  std::string layers;
  for (size_t i = 0; i <= limits::kMaxLayers; ++i) {
    absl::StrAppend(&layers, i == 0 ? "" : ",",
                    R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")",
                    Sha256Digest(absl::StrCat(i)), R"(","size":1})");
  }
  std::string manifest = absl::StrCat(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)",
      R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")",
      Sha256Digest(config), R"(","size":)", config.size(), R"(},"layers":[)", layers, "]}");
  absl::StatusOr<std::string> pulled = PullTop(manifest);
  ASSERT_FALSE(pulled.ok());
  EXPECT_TRUE(absl::StrContains(pulled.status().message(), "is longer than the limit of 1000"))
      << pulled.status();
  EXPECT_TRUE(Entries(root_ + "/out").empty());  // refused before anything was written
}

TEST_F(HostilePullTest, ManifestSizeIsCapped) {
  std::string big = absl::StrCat(R"({"schemaVersion":2,"annotations":{"x":")",
                                 std::string(limits::kMaxManifestBytes, 'a'), R"("}})");
  absl::StatusOr<std::string> pulled = PullTop(big);
  ASSERT_FALSE(pulled.ok());
  EXPECT_TRUE(absl::StrContains(pulled.status().message(), "larger than the limit"))
      << pulled.status();
}

TEST_F(HostilePullTest, ThreadStartFailureIsAnErrorAndLeavesNoTempFile) {
  // Before: std::system_error escaped from std::thread and aborted with a temp file left.
  FailThreadStartsAfterForTesting(0);
  absl::StatusOr<std::string> pulled = PullTop(Fixture("manifest_valid.json"));
  ASSERT_FALSE(pulled.ok());
  EXPECT_TRUE(absl::IsResourceExhausted(pulled.status())) << pulled.status();
  EXPECT_TRUE(absl::StrContains(pulled.status().message(), "cannot start a download thread"))
      << pulled.status();
  EXPECT_FALSE(ReadFile(root_ + "/out/pull.json").ok());
  for (const std::string& name : Entries(root_ + "/out/blobs/sha256")) {
    EXPECT_FALSE(absl::StrContains(name, "tmp")) << name;
  }
}

}  // namespace
}  // namespace registry
}  // namespace stowage
