#include "builder/tar/layer_spec.h"

#include <dirent.h>

#include "gtest/gtest.h"

namespace stowage {
namespace {

using nlohmann::json;

absl::StatusOr<LayerSpec> Parse(const std::string& text, const char* epoch = nullptr) {
  return ParseLayerSpec(json::parse(text), epoch);
}

TEST(LayerSpecTest, ParsesEveryEntryType) {
  auto spec =
      Parse(R"({"uid":5,"gid":6,"uname":"app","mtime":7,"compression":"zstd","level":9,"threads":2,
    "modes":{"a/b":"0700"},
    "entries":[{"type":"file","source":"s","path":"p","mode":"0600","uid":1},
               {"type":"tree","source":"d","path":"t","fileMode":"0644"},
               {"type":"source","source":"x","path":"y"},
               {"type":"symlink","path":"l","target":"/t"},
               {"type":"dir","path":"e","mode":493}]})");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->uid, 5);
  EXPECT_EQ(spec->gid, 6);
  EXPECT_EQ(spec->uname, "app");
  EXPECT_EQ(spec->mtime, 7);
  EXPECT_EQ(*spec->compression, "zstd");
  EXPECT_EQ(*spec->level, 9);
  EXPECT_EQ(*spec->threads, 2);
  EXPECT_EQ(spec->modes.at("a/b"), 0700u);
  ASSERT_EQ(spec->entries.size(), 5u);
  EXPECT_EQ(spec->entries[0].type, SpecEntryType::kFile);
  EXPECT_EQ(*spec->entries[0].attrs.mode, 0600u);
  EXPECT_EQ(*spec->entries[0].attrs.uid, 1);
  EXPECT_EQ(spec->entries[1].type, SpecEntryType::kTree);
  EXPECT_EQ(*spec->entries[1].file_mode, 0644u);
  EXPECT_EQ(spec->entries[2].type, SpecEntryType::kSource);
  EXPECT_EQ(spec->entries[3].target, "/t");
  EXPECT_EQ(*spec->entries[4].attrs.mode, 0755u);
}

TEST(LayerSpecTest, MtimeComesFromSpecThenSourceDateEpochThenZero) {
  EXPECT_EQ(Parse(R"({"entries":[]})")->mtime, 0);
  EXPECT_EQ(Parse(R"({"entries":[]})", "1700000000")->mtime, 1700000000);
  EXPECT_EQ(Parse(R"({"mtime":3})", "1700000000")->mtime, 3);
}

TEST(LayerSpecTest, MalformedSourceDateEpochIsAnError) {
  for (const char* bad : {"", "abc", "-1", "12x", "1.5", " 1"}) {
    auto spec = Parse(R"({"entries":[]})", bad);
    ASSERT_FALSE(spec.ok()) << bad;
    EXPECT_NE(spec.status().message().find("SOURCE_DATE_EPOCH"), std::string::npos);
  }
}

TEST(LayerSpecTest, RejectsMalformedSpecs) {
  const char* bad[] = {
      R"([])",
      R"({"entries":{}})",
      R"({"entriez":[]})",
      R"({"entries":[{"source":"s","path":"p"}]})",
      R"({"entries":[{"type":"blob","source":"s","path":"p"}]})",
      R"({"entries":[{"type":"file","path":"p"}]})",
      R"({"entries":[{"type":"file","source":"s"}]})",
      R"({"entries":[{"type":"file","source":"s","path":"p","mode":"0999"}]})",
      R"({"entries":[{"type":"file","source":"s","path":"p","mode":"17777"}]})",
      R"({"entries":[{"type":"file","source":"s","path":"p","uid":-1}]})",
      R"({"entries":[{"type":"file","source":"s","path":"p","uid":"0"}]})",
      R"({"entries":[{"type":"file","source":"s","path":"p","colour":1}]})",
      R"({"entries":[{"type":"tree","source":"s","path":"p","mode":"0755"}]})",
      R"({"entries":[{"type":"file","source":"s","path":"p","fileMode":"0755"}]})",
      R"({"entries":[{"type":"symlink","path":"p"}]})",
      R"({"entries":[{"type":"symlink","path":"p","target":""}]})",
      R"({"entries":[{"type":"dir","path":"p","source":"s"}]})",
      R"({"modes":{"a":"rwx"}})",
      R"({"level":"6"})",
      R"({"threads":-2})",
  };
  for (const char* text : bad) {
    auto spec = Parse(text);
    EXPECT_FALSE(spec.ok()) << text;
    if (!spec.ok()) {
      EXPECT_NE(spec.status().message().find("layer spec"), std::string::npos) << spec.status();
    }
  }
}

TEST(LayerSpecTest, NulBytesAreRefusedNotCut) {
  // A NUL in a JSON string used to end the C string it became: "app\u0000../x" wrote "app".
  for (const char* text : {
           R"({"entries":[{"type":"file","source":"s","path":"app\u0000../../x"}]})",
           R"({"entries":[{"type":"file","source":"s\u0000t","path":"p"}]})",
           R"({"entries":[{"type":"symlink","path":"l","target":"/a\u0000b"}]})",
           R"({"uname":"root\u0000x"})",
           R"({"modes":{"a\u0000b":"0755"}})",
       }) {
    auto spec = Parse(text);
    ASSERT_FALSE(spec.ok()) << text;
    EXPECT_NE(spec.status().message().find("NUL"), std::string::npos) << spec.status();
  }
}

TEST(LayerSpecTest, NumbersAreRangeCheckedNotWrapped) {
  auto spec = Parse(R"({"level":4294967299})");
  ASSERT_FALSE(spec.ok());
  EXPECT_EQ(spec.status().message(),
            "level: expected an integer from 0 to 22, got 4294967299 (in the layer spec)");
  EXPECT_FALSE(Parse(R"({"threads":4294967297})").ok());
  EXPECT_FALSE(Parse(R"({"uid":18446744073709551615})").ok());
  EXPECT_FALSE(Parse(R"({"entries":[{"type":"dir","path":"p","mode":4294967789}]})").ok());
}

TEST(LayerSpecTest, ReadsFilesAndReportsBadJson) {
  EXPECT_FALSE(ReadLayerSpec("/nonexistent/spec.json", nullptr).ok());
}

// Hostile specs as files (also seeds for the fuzz targets): each is an error naming the file.
TEST(LayerSpecTest, HostileSpecFilesAreErrors) {
  const std::string dir = "tests/layer/testdata/hostile_specs";
  DIR* d = opendir(dir.c_str());
  ASSERT_NE(d, nullptr);
  int files = 0;
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json") continue;
    ++files;
    auto spec = ReadLayerSpec(dir + "/" + name, nullptr);
    EXPECT_FALSE(spec.ok()) << name << " was accepted";
    if (!spec.ok()) {
      EXPECT_NE(spec.status().message().find(name), std::string::npos) << spec.status();
    }
  }
  closedir(d);
  EXPECT_GE(files, 13);
}

}  // namespace
}  // namespace stowage
