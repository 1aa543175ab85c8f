// The layer plan on hostile specs and trees (issue 11, "linear work"): deep paths, symlink
// DAGs, whiteout-looking names and same-path files cost bounded, linear work and fail with one
// clear error where they cannot be a real layer.
#include "builder/tar/entry_plan.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "builder/common/limits.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/layer/test_dir.h"

namespace stowage {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

absl::StatusOr<std::vector<TarEntry>> Plan(const json& j) {
  absl::StatusOr<LayerSpec> spec = ParseLayerSpec(j, nullptr);
  if (!spec.ok()) return spec.status();
  return PlanEntries(*spec);
}

std::string Repeat(const std::string& part, size_t times) {
  std::string out;
  out.reserve(part.size() * times);
  for (size_t i = 0; i < times; ++i) out += part;
  return out;
}

json FileEntry(const std::string& source, const std::string& path) {
  return {{"type", "file"}, {"source", source}, {"path", path}};
}

TEST(EntryPlanTest, PathLongerThanTheCapIsRefused) {
  TestDir dir;
  dir.WriteFile("f", "x");
  // 2 MiB of "a/": before, its 1M implicit parents alone were about 1 TB of names.
  auto plan = Plan({{"entries", {FileEntry(dir / "f", Repeat("a/", 1 << 20) + "x")}}});
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()),
              HasSubstr("more than the 4096 an image path may have"));
  // At the cap it is fine, with one entry per parent.
  std::string deep = Repeat("a/", 2047) + "x";
  ASSERT_EQ(deep.size(), 4095u);
  plan = Plan({{"entries", {FileEntry(dir / "f", deep)}}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->size(), 2048u);
}

TEST(EntryPlanTest, ManyDeepPathsStopAtTheNameBudget) {
  TestDir dir;
  dir.WriteFile("f", "x");
  // 400 distinct paths of 4 KB, 2000 deep: 800,000 parents holding ~1.6 GB of names (before:
  // all of them planned, several GB of memory). Each path's parents are distinct, so only the
  // budget stops this.
  json entries = json::array();
  for (int i = 0; i < 400; ++i) {
    entries.push_back(FileEntry(dir / "f", absl::StrCat("d", i, "/", Repeat("a/", 2000), "x")));
  }
  auto plan = Plan({{"entries", entries}});
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()),
              HasSubstr(absl::StrCat("add up to more than ", limits::kMaxTreeNameBytes)));
}

TEST(EntryPlanTest, SharedParentsArePlannedOnce) {
  TestDir dir;
  dir.WriteFile("f", "x");
  // 2,000 files in one 4000-byte-deep directory: their parents are shared, so the plan holds
  // 2,000 directories, not 2,000 x 2,000 (before: about 8 GB of parents, planned over and over).
  std::string deep = Repeat("a/", 2000);
  json entries = json::array();
  for (int i = 0; i < 2000; ++i) entries.push_back(FileEntry(dir / "f", deep + std::to_string(i)));
  auto plan = Plan({{"entries", entries}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->size(), 4000u);
}

TEST(EntryPlanTest, SymlinkDagInATreeIsRefused) {
  TestDir dir;
  // d0/{a,b} -> d1, d1/{a,b} -> d2, ...: 2^45 paths from 46 directories (before: 45 s of
  // walking, then a misleading "symlink loop" once lookups nested too deep for the kernel).
  // 45 levels: a walk that kept every link in the path it lists would pass the kernel's 40 links
  // per lookup (ELOOP) on its first way down, long before the guard's budget.
  const int kLevels = 45;
  dir.WriteFile(absl::StrCat("t/d", kLevels, "/leaf"), "x");
  for (int i = 0; i < kLevels; ++i) {
    dir.MakeDir(absl::StrCat("t/d", i));
    dir.Symlink(absl::StrCat("t/d", i, "/a"), absl::StrCat("../d", i + 1));
    dir.Symlink(absl::StrCat("t/d", i, "/b"), absl::StrCat("../d", i + 1));
  }
  auto plan = Plan({{"entries", {{{"type", "tree"}, {"source", dir / "t/d0"}, {"path", "app"}}}}});
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("expand exponentially"));
}

TEST(EntryPlanTest, WhiteoutNamesOnlyWhenAskedFor) {
  TestDir dir;
  dir.WriteFile("t/ok", "x");
  dir.WriteFile("t/etc/.wh.passwd", "");
  dir.WriteFile("empty", "");
  // A tree that happens to hold a .wh.* file: before, it silently deleted /etc/passwd below.
  auto plan = Plan({{"entries", {{{"type", "tree"}, {"source", dir / "t"}, {"path", ""}}}}});
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("named like a whiteout"));
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("etc/.wh.passwd"));
  plan = Plan({{"entries", {FileEntry(dir / "empty", "etc/.wh..wh..opq")}}});
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("named like a whiteout"));
  plan = Plan({{"entries", {{{"type", "symlink"}, {"path", "x/.wh.y"}, {"target", "z"}}}}});
  ASSERT_FALSE(plan.ok());
  // Asked for (oci_layer's whiteouts and opaque_dirs): a whiteout.
  json asked = FileEntry(dir / "empty", "etc/.wh.motd");
  asked["whiteout"] = true;
  plan = Plan({{"entries", {asked}}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->back().path, "etc/.wh.motd");
  // ... and only for names that are whiteouts.
  json wrong = FileEntry(dir / "empty", "etc/motd");
  wrong["whiteout"] = true;
  EXPECT_FALSE(Plan({{"entries", {wrong}}}).ok());
}

TEST(EntryPlanTest, SamePathFromTwoLargeFilesIsComparedByStreaming) {
  TestDir dir;
  // Sparse: 256 MiB of zeros each that take no disk. Same bytes: merged; one byte apart at the
  // very end: refused. (Peak memory is checked through the binary in
  // tests/e2e/hostile_inputs_test.sh; before, both files were read whole.)
  for (const char* name : {"big1", "big2", "big3"}) {
    int fd = open((dir / name).c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, int64_t{1} << 28), 0);
    if (std::string(name) == "big3") {
      ASSERT_EQ(pwrite(fd, "x", 1, (int64_t{1} << 28) - 1), 1);
    }
    close(fd);
  }
  auto plan =
      Plan({{"entries", {FileEntry(dir / "big1", "data"), FileEntry(dir / "big2", "data")}}});
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_EQ(plan->size(), 1u);
  plan = Plan({{"entries", {FileEntry(dir / "big1", "data"), FileEntry(dir / "big3", "data")}}});
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("given twice"));
}

}  // namespace
}  // namespace stowage
