// stowage layer, end to end in-process: spec -> blob + descriptor, read back with libarchive.
#include "builder/layer/layer_builder.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <set>

#include "builder/cli/command.h"
#include "builder/common/files.h"
#include "builder/common/json_file.h"
#include "builder/common/threads.h"
#include "builder/digest/sha256.h"
#include "gtest/gtest.h"
#include "tests/layer/tar_reader.h"
#include "tests/layer/test_dir.h"

namespace stowage {
namespace {

using nlohmann::json;

LayerSpec SpecFrom(const json& j, const char* epoch = nullptr) {
  auto spec = ParseLayerSpec(j, epoch);
  EXPECT_TRUE(spec.ok()) << spec.status();
  return spec.ok() ? *spec : LayerSpec();
}

LayerOptions Options(Compression c, int threads) {
  LayerOptions o;
  o.compression = c;
  o.level = DefaultLevel(c);
  o.threads = threads;
  return o;
}

// Builds into out/ and returns the blob bytes (empty on error, with the status in *status).
std::string Build(const TestDir& dir, const LayerSpec& spec, const LayerOptions& options,
                  absl::Status* status = nullptr) {
  dir.MakeDir("out");
  auto d = BuildLayer(spec, options, dir / "out/blob", dir / "out/desc.json");
  if (status != nullptr) *status = d.status();
  if (!d.ok()) return "";
  auto blob = ReadFile(dir / "out/blob");
  return blob.ok() ? *blob : "";
}

const ReadEntry* Find(const std::vector<ReadEntry>& entries, const std::string& name) {
  for (const ReadEntry& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::vector<std::string> Names(const std::vector<ReadEntry>& entries) {
  std::vector<std::string> names;
  for (const ReadEntry& e : entries) names.push_back(e.name);
  return names;
}

// A small source tree with the shapes layers meet: nested dirs, an executable, a symlinked
// file (as Bazel's sandbox presents inputs), non-ASCII and long names.
void MakeTree(const TestDir& d, const std::string& root) {
  d.WriteFile(root + "/bin/server", "#!/bin/sh\necho hi\n", 0755);
  d.WriteFile(root + "/lib/data.txt", "some data\n");
  d.WriteFile(root + "/lib/deep/er/file", "deep\n", 0600);
  d.WriteFile(root + "/caf\xc3\xa9/\xe2\x82\xac.txt", "euro\n");
  d.WriteFile(root + "/" + std::string(120, 'n') + "/x", "long\n");
  d.WriteFile(root + "/real.txt", "real\n");
  d.Symlink(root + "/linked.txt", "real.txt");
}

TEST(LayerBuilderTest, HeadersCarryOnlyWhatTheSpecSays) {
  TestDir d;
  MakeTree(d, "src");
  LayerSpec spec = SpecFrom(json{
      {"entries",
       {{{"type", "tree"}, {"source", d / "src"}, {"path", "/app"}},
        {{"type", "symlink"}, {"path", "app/current"}, {"target", "/app/bin"}},
        {{"type", "dir"}, {"path", "tmp"}, {"mode", "1777"}},
        {{"type", "file"},
         {"source", d / "src/real.txt"},
         {"path", "etc/owned"},
         {"uid", 1000},
         {"gid", 1001},
         {"uname", "app"},
         {"gname", "app"},
         {"mtime", 42}}}},
  });
  std::string blob = Build(d, spec, Options(Compression::kNone, 1));
  ASSERT_FALSE(blob.empty());
  std::vector<ReadEntry> entries = ReadTar(blob);

  const ReadEntry* server = Find(entries, "app/bin/server");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->type, 'f');
  EXPECT_EQ(server->mode, 0755u);
  EXPECT_EQ(server->contents, "#!/bin/sh\necho hi\n");
  EXPECT_EQ(Find(entries, "app/lib/data.txt")->mode, 0644u);
  EXPECT_EQ(Find(entries, "app/lib/deep/er/file")->mode, 0644u);  // 0600 on disk: not copied
  EXPECT_EQ(Find(entries, "app/lib/")->mode, 0755u);
  EXPECT_EQ(Find(entries, "app/lib/")->type, 'd');
  // A symlink source is followed: the image gets the file.
  const ReadEntry* linked = Find(entries, "app/linked.txt");
  ASSERT_NE(linked, nullptr);
  EXPECT_EQ(linked->type, 'f');
  EXPECT_EQ(linked->contents, "real\n");
  // Declared symlinks stay symlinks.
  const ReadEntry* current = Find(entries, "app/current");
  ASSERT_NE(current, nullptr);
  EXPECT_EQ(current->type, 'l');
  EXPECT_EQ(current->link_target, "/app/bin");
  EXPECT_EQ(current->mode, 0777u);
  EXPECT_EQ(Find(entries, "tmp/")->mode, 01777u);
  ASSERT_NE(Find(entries, "app/caf\xc3\xa9/\xe2\x82\xac.txt"), nullptr);
  ASSERT_NE(Find(entries, "app/" + std::string(120, 'n') + "/x"), nullptr);

  const ReadEntry* owned = Find(entries, "etc/owned");
  ASSERT_NE(owned, nullptr);
  EXPECT_EQ(owned->uid, 1000);
  EXPECT_EQ(owned->gid, 1001);
  EXPECT_TRUE(owned->has_uname);
  EXPECT_EQ(owned->mtime, 42);
  for (const ReadEntry& e : entries) {
    if (e.name == "etc/owned") continue;
    EXPECT_EQ(e.uid, 0) << e.name;
    EXPECT_EQ(e.gid, 0) << e.name;
    EXPECT_FALSE(e.has_uname) << e.name;  // never the host's user names
    EXPECT_FALSE(e.has_gname) << e.name;
    EXPECT_EQ(e.mtime, 0) << e.name;
  }
  for (const ReadEntry& e : entries) {
    EXPECT_FALSE(e.has_atime) << e.name;
    EXPECT_FALSE(e.has_ctime) << e.name;
    EXPECT_NE(e.name[0], '/') << e.name;
  }
  // PAX extended headers appear only where ustar cannot hold the name; never times.
  std::vector<std::string> keys = PaxKeys(blob);
  EXPECT_NE(std::find(keys.begin(), keys.end(), "path"), keys.end());
  for (const std::string& k : keys) {
    EXPECT_TRUE(k == "path" || k == "linkpath") << "unexpected PAX key " << k;
  }
  // The archive ends right after the two zero blocks: no padding to 10 KiB records.
  EXPECT_EQ(blob.size() % 512, 0u);
  EXPECT_EQ(blob.substr(blob.size() - 1024), std::string(1024, '\0'));
  EXPECT_NE(blob.substr(blob.size() - 1536, 512), std::string(512, '\0'));
}

TEST(LayerBuilderTest, BytewiseOrderWithImplicitParentsFirst) {
  TestDir d;
  d.WriteFile("f", "x");
  LayerSpec spec = SpecFrom(json{
      {"uid", 7},
      {"mtime", 9},
      {"entries",
       {{{"type", "file"}, {"source", d / "f"}, {"path", "a/x"}},
        {{"type", "file"}, {"source", d / "f"}, {"path", "a-b"}},
        {{"type", "file"}, {"source", d / "f"}, {"path", "B/c/d/e"}},
        {{"type", "dir"}, {"path", "a/y"}, {"mode", "0700"}},
        {{"type", "symlink"}, {"path", "a.l"}, {"target", "a"}}}},
  });
  std::vector<ReadEntry> entries = ReadTar(Build(d, spec, Options(Compression::kGzip, 2)));
  EXPECT_EQ(Names(entries), (std::vector<std::string>{"B/", "B/c/", "B/c/d/", "B/c/d/e", "a-b",
                                                      "a.l", "a/", "a/x", "a/y/"}));
  const ReadEntry* implicit = Find(entries, "B/c/");
  ASSERT_NE(implicit, nullptr);
  EXPECT_EQ(implicit->mode, 0755u);
  EXPECT_EQ(implicit->uid, 7);  // spec-wide defaults apply to implicit parents too
  EXPECT_EQ(implicit->mtime, 9);
  EXPECT_EQ(Find(entries, "a/y/")->mode, 0700u);
}

TEST(LayerBuilderTest, ModesOverrideWalkedAndImplicitEntries) {
  TestDir d;
  d.WriteFile("t/run", "x");
  LayerSpec spec = SpecFrom(json{
      {"modes", {{"/app/t/run", "0750"}, {"app", "0711"}}},
      {"entries",
       {{{"type", "tree"}, {"source", d / "t"}, {"path", "app/t"}, {"fileMode", "0600"}}}},
  });
  std::vector<ReadEntry> entries = ReadTar(Build(d, spec, Options(Compression::kZstd, 1)));
  EXPECT_EQ(Find(entries, "app/")->mode, 0711u);
  EXPECT_EQ(Find(entries, "app/t/run")->mode, 0750u);
}

TEST(LayerBuilderTest, SourceDateEpochSetsDefaultMtime) {
  TestDir d;
  d.WriteFile("f", "x");
  LayerSpec spec = SpecFrom(
      json{{"entries", {{{"type", "file"}, {"source", d / "f"}, {"path", "a/f"}}}}}, "1700000000");
  for (const ReadEntry& e : ReadTar(Build(d, spec, Options(Compression::kNone, 1)))) {
    EXPECT_EQ(e.mtime, 1700000000) << e.name;
  }
}

TEST(LayerBuilderTest, DescriptorMatchesTheBlob) {
  TestDir d;
  MakeTree(d, "src");
  LayerSpec spec =
      SpecFrom(json{{"entries", {{{"type", "tree"}, {"source", d / "src"}, {"path", "app"}}}}});
  for (Compression c : {Compression::kGzip, Compression::kZstd, Compression::kNone}) {
    std::string blob = Build(d, spec, Options(c, 2));
    ASSERT_FALSE(blob.empty());
    auto text = ReadFile(d / "out/desc.json");
    ASSERT_TRUE(text.ok());
    json desc = *ParseJson(*text, "desc");
    EXPECT_EQ(*text, CanonicalJson(desc).value());  // written canonically
    std::string tar = c == Compression::kNone ? blob : Decompress(blob);
    EXPECT_EQ(desc["digest"], Sha256Digest(blob));
    EXPECT_EQ(desc["diffId"], Sha256Digest(tar));
    EXPECT_EQ(desc["size"], blob.size());
    EXPECT_EQ(desc["uncompressedSize"], tar.size());
    EXPECT_EQ(desc["entries"], ReadTar(blob).size());
    EXPECT_EQ(desc["compression"], CompressionName(c));
    EXPECT_EQ(desc["mediaType"], LayerMediaType(c));
    EXPECT_EQ(desc.size(), 7u);
  }
}

// Lays out the same logical tree in a different way each time: other directory, umask,
// creation order, file mtimes. The layer must not notice.
void MakeTreeVariant(const TestDir& d, int variant) {
  mode_t old = umask(variant == 1 ? 077 : 022);
  std::vector<std::pair<std::string, std::string>> files = {
      {"a/one.txt", "one\n"}, {"a/two.txt", "two\n"}, {"b/c/three", "three\n"}, {"z", "zed\n"}};
  // Big enough for several gzip blocks and several zstd jobs.
  std::string big;
  for (int64_t i = 0; big.size() < (20u << 20); ++i)
    big += "line " + std::to_string(i * 7919 % 100003) + " of text\n";
  files.push_back({"b/big.log", big});
  if (variant == 2) std::reverse(files.begin(), files.end());
  for (const auto& [rel, contents] : files) {
    size_t slash = rel.rfind('/');
    if (slash != std::string::npos) d.MakeDir("src/" + rel.substr(0, slash));
    std::string full = d / ("src/" + rel);
    FILE* f = fopen(full.c_str(), "wb");
    fwrite(contents.data(), 1, contents.size(), f);
    fclose(f);
    if (variant == 2) {
      struct timeval times[2] = {{1234567, 0}, {1234567, 0}};
      utimes(full.c_str(), times);
    }
  }
  umask(old);
}

TEST(LayerBuilderTest, SameBytesWhateverTheHostOrThreadCount) {
  for (Compression c : {Compression::kGzip, Compression::kZstd}) {
    std::set<std::string> blobs;
    size_t builds = 0;
    for (int variant = 0; variant < 3; ++variant) {
      TestDir d;
      MakeTreeVariant(d, variant);
      LayerSpec spec =
          SpecFrom(json{{"entries", {{{"type", "tree"}, {"source", d / "src"}, {"path", "app"}}}}});
      for (int threads : {1, 2, 8}) {
        if (variant > 0 && threads != 2) continue;  // host variations once; threads on variant 0
        std::string blob = Build(d, spec, Options(c, threads));
        ASSERT_GT(blob.size(), 1000u);
        blobs.insert(blob);
        ++builds;
      }
    }
    EXPECT_EQ(builds, 5u);
    EXPECT_EQ(blobs.size(), 1u) << CompressionName(c)
                                << " output changed with host state or threads";
  }
}

TEST(LayerBuilderTest, GzipIsMultiMemberAndDecompressesToTheTar) {
  TestDir d;
  MakeTreeVariant(d, 0);
  LayerSpec spec =
      SpecFrom(json{{"entries", {{{"type", "tree"}, {"source", d / "src"}, {"path", "app"}}}}});
  std::string tar = Build(d, spec, Options(Compression::kNone, 1));
  std::string gz = Build(d, spec, Options(Compression::kGzip, 2));
  ASSERT_EQ(Decompress(gz), tar);
  // Each member header: magic, deflate, no flags, MTIME 0, OS 255.
  const std::string header("\x1f\x8b\x08\x00\x00\x00\x00\x00", 8);
  EXPECT_EQ(gz.substr(0, 8), header);
  EXPECT_EQ(static_cast<unsigned char>(gz[9]), 255);
  size_t members = 0;
  for (size_t pos = gz.find(header); pos != std::string::npos; pos = gz.find(header, pos + 1))
    ++members;
  EXPECT_GE(members, tar.size() / (1 << 20));
  // Close to what gzip -6 would give on this text (a few percent at most).
  EXPECT_LT(gz.size(), tar.size() / 3);
}

class BadInputTest : public ::testing::Test {
 protected:
  // Runs the real CLI entry point and checks: one error naming `needle`, no output left.
  void ExpectFailure(const json& spec_json, const std::string& needle) {
    dir_.MakeDir("out");
    ASSERT_TRUE(WriteFileAtomically(dir_ / "spec.json", spec_json.dump()).ok());
    ExpectCliFailure(needle);
  }
  void ExpectCliFailure(const std::string& needle) {
    absl::Status s =
        Commands().at("layer").run({"--spec", dir_ / "spec.json", "--output", dir_ / "out/blob",
                                    "--descriptor", dir_ / "out/desc.json"});
    ASSERT_FALSE(s.ok()) << "expected an error about " << needle;
    EXPECT_NE(s.message().find(needle), std::string::npos) << s.message();
    EXPECT_TRUE(dir_.List("out").empty()) << "output left behind after: " << s.message();
  }
  TestDir dir_;
};

TEST_F(BadInputTest, MissingSource) {
  ExpectFailure({{"entries", {{{"type", "file"}, {"source", dir_ / "nope"}, {"path", "x"}}}}},
                "nope");
}

TEST_F(BadInputTest, UnreadableSource) {
  std::string source = dir_ / "secret";
  dir_.WriteFile("secret", "x", 0000);
  // Root reads any file whatever its mode; /proc/self/mem is a regular file whose read fails.
  if (geteuid() == 0) source = "/proc/self/mem";
  ExpectFailure({{"entries", {{{"type", "file"}, {"source", source}, {"path", "x"}}}}},
                "cannot read");
}

TEST_F(BadInputTest, NotARegularFile) {
  ASSERT_EQ(mkfifo((dir_ / "fifo").c_str(), 0644), 0);
  ExpectFailure({{"entries", {{{"type", "source"}, {"source", dir_ / "fifo"}, {"path", "x"}}}}},
                "not a regular file");
}

TEST_F(BadInputTest, PathEscapingTheRoot) {
  dir_.WriteFile("f", "x");
  ExpectFailure(
      {{"entries", {{{"type", "file"}, {"source", dir_ / "f"}, {"path", "/app/../../etc/x"}}}}},
      "escapes the image root");
  ExpectFailure({{"entries", {{{"type", "symlink"}, {"path", "../x"}, {"target", "y"}}}}},
                "escapes");
}

TEST_F(BadInputTest, SamePathWithDifferentContent) {
  dir_.WriteFile("f1", "one");
  dir_.WriteFile("f2", "two");
  ExpectFailure({{"entries",
                  {{{"type", "file"}, {"source", dir_ / "f1"}, {"path", "x"}},
                   {{"type", "file"}, {"source", dir_ / "f2"}, {"path", "/x"}}}}},
                "given twice");
  ExpectFailure({{"entries",
                  {{{"type", "file"}, {"source", dir_ / "f1"}, {"path", "x"}},
                   {{"type", "file"}, {"source", dir_ / "f1"}, {"path", "x"}, {"mode", "0600"}}}}},
                "given twice");
  ExpectFailure({{"entries",
                  {{{"type", "file"}, {"source", dir_ / "f1"}, {"path", "x"}},
                   {{"type", "dir"}, {"path", "x"}}}}},
                "given twice");
}

TEST_F(BadInputTest, SamePathWithSameContentIsMerged) {
  dir_.WriteFile("f1", "same");
  dir_.WriteFile("f2", "same");
  LayerSpec spec = SpecFrom(json{{"entries",
                                  {{{"type", "file"}, {"source", dir_ / "f1"}, {"path", "x"}},
                                   {{"type", "file"}, {"source", dir_ / "f2"}, {"path", "x"}},
                                   {{"type", "dir"}, {"path", "d"}},
                                   {{"type", "dir"}, {"path", "d/"}}}}});
  std::vector<ReadEntry> entries = ReadTar(Build(dir_, spec, Options(Compression::kNone, 1)));
  EXPECT_EQ(Names(entries), (std::vector<std::string>{"d/", "x"}));
}

TEST_F(BadInputTest, FileUsedAsDirectory) {
  dir_.WriteFile("f", "x");
  ExpectFailure({{"entries",
                  {{{"type", "file"}, {"source", dir_ / "f"}, {"path", "a"}},
                   {{"type", "file"}, {"source", dir_ / "f"}, {"path", "a/b"}}}}},
                "is not a directory");
}

TEST_F(BadInputTest, NameThatIsNotUtf8) {
  dir_.WriteFile("t/bad\xff", "x");
  ExpectFailure({{"entries", {{{"type", "tree"}, {"source", dir_ / "t"}, {"path", "app"}}}}},
                "not valid UTF-8");
}

TEST_F(BadInputTest, BrokenSymlinkAsFileSource) {
  dir_.Symlink("dangling", "does-not-exist");
  ExpectFailure({{"entries", {{{"type", "file"}, {"source", dir_ / "dangling"}, {"path", "x"}}}}},
                "broken symlink");
}

TEST_F(BadInputTest, BrokenSymlinkInsideATree) {
  dir_.WriteFile("t/ok", "x");
  dir_.Symlink("t/dangling", "nowhere");
  ExpectFailure({{"entries", {{{"type", "tree"}, {"source", dir_ / "t"}, {"path", "app"}}}}},
                "broken symlink");
}

TEST_F(BadInputTest, SymlinkCycleInsideATree) {
  dir_.WriteFile("t/sub/f", "x");
  dir_.Symlink("t/sub/loop", "..");
  ExpectFailure({{"entries", {{{"type", "tree"}, {"source", dir_ / "t"}, {"path", "app"}}}}},
                "cycle");
}

TEST_F(BadInputTest, ModesNamingAMissingPath) {
  dir_.WriteFile("f", "x");
  ExpectFailure({{"modes", {{"y", "0755"}}},
                 {"entries", {{{"type", "file"}, {"source", dir_ / "f"}, {"path", "x"}}}}},
                "not in the layer");
}

TEST_F(BadInputTest, MalformedSpec) {
  dir_.MakeDir("out");
  ASSERT_TRUE(WriteFileAtomically(dir_ / "spec.json", "{\"entries\": [").ok());
  ExpectCliFailure("malformed JSON");
  ExpectFailure({{"entries", {{{"type", "file"}, {"path", "x"}}}}},
                "entries[0].source: required, but missing");
}

TEST_F(BadInputTest, ThreadStartFailureLeavesNoOutput) {
  // Before: std::system_error escaped from std::thread, the tool aborted and the blob's temp
  // file stayed. Fail the first compression worker, a later one, then the writer thread.
  dir_.WriteFile("f", std::string(3 << 20, 'x'));
  for (int allowed : {0, 2, 4}) {
    FailThreadStartsAfterForTesting(allowed);
    ExpectFailure(
        {{"threads", 4}, {"entries", {{{"type", "file"}, {"source", dir_ / "f"}, {"path", "x"}}}}},
        "cannot start");
  }
  FailThreadStartsAfterForTesting(-1);
}

TEST_F(BadInputTest, CompressionLevelOutOfRange) {
  dir_.WriteFile("f", "x");
  json entries = {{{"type", "file"}, {"source", dir_ / "f"}, {"path", "x"}}};
  ExpectFailure({{"compression", "gzip"}, {"level", 13}, {"entries", entries}},
                "gzip level 13 is out of range 0-12");
  ExpectFailure({{"compression", "zstd"}, {"level", 0}, {"entries", entries}},
                "zstd level 0 is out of range 1-22");
  // 2^32 + 3 was read through get<int>() as level 3, a valid level: a silently other layer.
  ExpectFailure({{"compression", "gzip"}, {"level", 4294967299}, {"entries", entries}},
                "level: expected an integer from 0 to 22, got 4294967299");
}

TEST_F(BadInputTest, BadFlags) {
  dir_.WriteFile("f", "x");
  ASSERT_TRUE(
      WriteFileAtomically(
          dir_ / "spec.json",
          json{{"entries", {{{"type", "file"}, {"source", dir_ / "f"}, {"path", "x"}}}}}.dump())
          .ok());
  dir_.MakeDir("out");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = {"--spec",          dir_ / "spec.json", "--output",
                                     dir_ / "out/blob", "--descriptor",     dir_ / "out/desc.json"};
    args.insert(args.end(), extra.begin(), extra.end());
    absl::Status s = Commands().at("layer").run(args);
    EXPECT_TRUE(dir_.List("out").empty());
    return s;
  };
  EXPECT_FALSE(run({"--compression", "lz4"}).ok());
  EXPECT_FALSE(run({"--level", "13"}).ok());
  EXPECT_FALSE(run({"--compression", "zstd", "--level", "99"}).ok());
  EXPECT_FALSE(run({"--compression", "none", "--level", "3"}).ok());
  EXPECT_FALSE(run({"--threads", "many"}).ok());
}

TEST(LayerCommandTest, WritesBlobAndDescriptor) {
  TestDir d;
  d.WriteFile("f", "hello");
  ASSERT_TRUE(WriteFileAtomically(
                  d / "spec.json",
                  json{{"compression", "none"},
                       {"entries", {{{"type", "file"}, {"source", d / "f"}, {"path", "x"}}}}}
                      .dump())
                  .ok());
  absl::Status s =
      Commands().at("layer").run({"--spec", d / "spec.json", "--output", d / "blob", "--descriptor",
                                  d / "desc.json", "--compression", "zstd", "--threads", "3"});
  ASSERT_TRUE(s.ok()) << s;
  json desc = *ReadJsonFile(d / "desc.json");
  EXPECT_EQ(desc["compression"], "zstd");  // the flag wins over the spec
  EXPECT_EQ(desc["digest"], *Sha256OfFile(d / "blob"));
}

}  // namespace
}  // namespace stowage
