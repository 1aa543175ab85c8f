#include "builder/deb/lockfile.h"

#include <string>

#include "gtest/gtest.h"

namespace stowage {
namespace {

LockedPackage Package(const std::string& name, const std::string& version) {
  LockedPackage p;
  p.name = name;
  p.version = version;
  p.architecture = "amd64";
  p.multi_arch = "same";
  p.suite = "bookworm";
  p.component = "main";
  p.filename = "pool/main/x/" + name + "_" + version + "_amd64.deb";
  p.size = 1234;
  p.sha256 = std::string(64, 'a');
  return p;
}

Lockfile Sample() {
  Lockfile lock;
  lock.inputs.suites = {"bookworm", "bookworm-security"};
  lock.inputs.components = {"main"};
  lock.inputs.architectures = {"amd64"};
  lock.inputs.packages = {"app"};
  LockedPackage app = Package("app", "1.0-1");
  app.depends = {"libc6"};
  app.requested = true;
  LockedPackage libc = Package("libc6", "2.36-9");
  libc.source = "glibc";
  lock.packages["amd64"]["app"] = app;
  lock.packages["amd64"]["libc6"] = libc;
  return lock;
}

TEST(LockfileTest, RoundTripsToTheSameBytes) {
  std::string text = SerializeLockfile(Sample());
  EXPECT_EQ(text.back(), '\n');
  EXPECT_NE(text.find("\n  \"architectures\": {\n    \"amd64\": {\n      \"app\": {"),
            std::string::npos)
      << text;
  auto parsed = ParseLockfile(text, "lock.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(SerializeLockfile(*parsed), text);
  EXPECT_EQ(parsed->packages["amd64"]["libc6"].source, "glibc");
  EXPECT_TRUE(parsed->packages["amd64"]["app"].requested);
}

TEST(LockfileTest, RejectsHostileOrBrokenLocks) {
  std::string good = SerializeLockfile(Sample());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  for (const std::string& bad : {
           with("\"lockVersion\": 1", "\"lockVersion\": 2"),
           with("\"size\": 1234", "\"size\": \"1234\""),
           with("\"size\": 1234", "\"size\": -1"),
           with("\"sha256\": \"aaaa", "\"sha256\": \"AAAA"),
           with("pool/main/x/app", "../../etc/app"),
           with("pool/main/x/app", "/etc/app"),
           with("\"suite\": \"bookworm\"", "\"suite\": \"../x\""),
           with("\"depends\": [\n          \"libc6\"", "\"depends\": [\n          \"nosuch\""),
           with("\"version\": \"1.0-1\"", "\"version\": \"x y\""),
           with("\"version\": \"1.0-1\"", "\"version\": 1"),
           with("\"app\": {", "\"App\": {"),
           with("\"multiArch\": \"same\"", "\"multiArch\": \"sometimes\""),
           with("\"architecture\": \"amd64\"", "\"architecture\": \"arm64\""),
           with("\"component\": \"main\"", "\"component\": \"main\", \"extra\": 1"),
           std::string("{"),
           std::string("[]"),
           std::string("{\"lockVersion\": 1}"),
       }) {
    EXPECT_FALSE(ParseLockfile(bad, "lock.json").ok()) << bad;
  }
}

// Nesting, sizes and counts from a hostile lockfile are bounded and never echoed raw.
TEST(LockfileTest, BoundsDepthSizesAndCounts) {
  std::string good = SerializeLockfile(Sample());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = good;
    size_t at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return t.replace(at, from.size(), to);
  };
  std::string long_dep(100000, 'a');
  std::string many_suites = "\"suites\": [";
  for (int i = 0; i <= 100000; ++i) many_suites += i == 0 ? "\"s\"" : ",\"s\"";
  many_suites += "]";
  std::string deep = std::string(100, '[') + std::string(100, ']');
  for (const std::string& bad : {
           // A depends entry that is no package name (before: quoted whole in the error).
           with("\"depends\": [\n          \"libc6\"",
                "\"depends\": [\n          \"libc6\", \"" + long_dep + "\""),
           with("\"depends\": [\n          \"libc6\"",
                "\"depends\": [\n          \"libc6\", \"\u001b[31mred\""),
           // Inputs: short printable words, at most 100000 of each.
           with("\"suites\": [\n      \"bookworm\"", "\"suites\": [\n      \"" + long_dep + "\""),
           with("\"packages\": [\n      \"app\"", "\"packages\": [\n      \"a\\nb\""),
           with("\"suites\": [\n      \"bookworm\",\n      \"bookworm-security\"\n    ]",
                many_suites),
           with("\"includeEssential\": false", "\"includeEssential\": false, \"x\": " + deep),
       }) {
    auto parsed = ParseLockfile(bad, "lock.json");
    ASSERT_FALSE(parsed.ok()) << bad.substr(0, 200);
    std::string message(parsed.status().message());
    EXPECT_LT(message.size(), 1000u) << message.substr(0, 200);
    EXPECT_EQ(message.find('\x1b'), std::string::npos) << message;
  }
}

TEST(LockfileTest, Diff) {
  Lockfile before = Sample();
  Lockfile after = Sample();
  after.packages["amd64"]["libc6"].version = "2.36-9+deb12u1";
  after.packages["amd64"].erase("app");
  after.packages["amd64"]["new"] = Package("new", "1");
  after.packages["arm64"]["libc6"] = Package("libc6", "2.36-9");
  std::vector<std::string> diff = DiffLockfiles(before, after);
  ASSERT_EQ(diff.size(), 4u);
  EXPECT_EQ(diff[0], "amd64: - app 1.0-1");
  EXPECT_EQ(diff[1], "amd64: upgraded libc6 2.36-9 -> 2.36-9+deb12u1");
  EXPECT_EQ(diff[2], "amd64: + new 1");
  EXPECT_EQ(diff[3], "arm64: + libc6 2.36-9");
  Lockfile other = Sample();
  other.packages["amd64"]["libc6"].sha256 = std::string(64, 'b');
  diff = DiffLockfiles(before, other);
  ASSERT_EQ(diff.size(), 1u);
  EXPECT_EQ(diff[0], "amd64: libc6 2.36-9: other bytes (sha256)");
  EXPECT_TRUE(DiffLockfiles(before, Sample()).empty());
}

}  // namespace
}  // namespace stowage
