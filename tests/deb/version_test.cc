// Debian version comparison, checked against dpkg itself: every pair of a few hundred versions
// (hand-picked corner cases plus generated ones) is compared by `dpkg --compare-versions` and
// by CompareDebVersions, and the two must agree on every pair.
#include "builder/deb/version.h"

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

int Compare(const std::string& a, const std::string& b) {
  auto va = ParseDebVersion(a);
  auto vb = ParseDebVersion(b);
  EXPECT_TRUE(va.ok()) << a << ": " << va.status();
  EXPECT_TRUE(vb.ok()) << b << ": " << vb.status();
  if (!va.ok() || !vb.ok()) return 0;
  int c = CompareDebVersions(*va, *vb);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

TEST(DebVersionTest, Parts) {
  auto v = ParseDebVersion("1:2.36-9+deb12u14");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->epoch, 1);
  EXPECT_EQ(v->upstream, "2.36");
  EXPECT_EQ(v->revision, "9+deb12u14");
  EXPECT_EQ(v->ToString(), "1:2.36-9+deb12u14");
  // The revision is after the last hyphen; the upstream part may hold hyphens.
  v = ParseDebVersion("3.0.20-1~deb12u2-x1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->upstream, "3.0.20-1~deb12u2");
  EXPECT_EQ(v->revision, "x1");
  EXPECT_EQ(ParseDebVersion("20230311+deb12u1")->revision, "");
  // Epoch 0 is written only when the upstream part holds a colon, so that it reads back
  // (found by deb_relation_fuzzer: "0:0:0~rc1" came back as epoch 0, upstream "0~rc1").
  EXPECT_EQ(ParseDebVersion("0:2.36-1")->ToString(), "2.36-1");
  v = ParseDebVersion("0:0:0~rc1");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->upstream, "0:0~rc1");
  EXPECT_EQ(v->ToString(), "0:0:0~rc1");
  EXPECT_EQ(CompareDebVersions(*ParseDebVersion(v->ToString()), *v), 0);
}

TEST(DebVersionTest, RejectsWhatDpkgRejects) {
  for (const char* bad : {"", ":1.0", "a:1.0", "1.0-", "-1", "1:", "x1.0", "1.0 2", "1.0-a_b",
                          "1.0$", "99999999999:1"}) {
    EXPECT_FALSE(ParseDebVersion(bad).ok()) << bad;
  }
}

TEST(DebVersionTest, KnownOrder) {
  EXPECT_EQ(Compare("1.0~rc1", "1.0"), -1);
  EXPECT_EQ(Compare("1.0", "1.0+b1"), -1);
  EXPECT_EQ(Compare("1.0", "1.0-0"), 0);
  EXPECT_EQ(Compare("1.002", "1.2"), 0);
  EXPECT_EQ(Compare("1:0.1", "9.9"), 1);
  EXPECT_EQ(Compare("1.0a", "1.0"), 1);
  EXPECT_EQ(Compare("1.0~~", "1.0~"), -1);
  EXPECT_EQ(Compare("3.0.22-1~deb12u2", "3.0.20-1~deb12u2"), 1);
  EXPECT_EQ(Compare("2.36-9+deb12u7", "2.36-9+deb12u14"), -1);
}

TEST(DebVersionTest, Operators) {
  DebVersion one = *ParseDebVersion("1.0");
  DebVersion two = *ParseDebVersion("2.0");
  EXPECT_TRUE(VersionSatisfies(one, VersionOp::kLess, two));
  EXPECT_FALSE(VersionSatisfies(two, VersionOp::kLess, two));
  EXPECT_TRUE(VersionSatisfies(two, VersionOp::kLessEqual, two));
  EXPECT_TRUE(VersionSatisfies(two, VersionOp::kGreaterEqual, one));
  EXPECT_FALSE(VersionSatisfies(one, VersionOp::kGreater, one));
  EXPECT_TRUE(VersionSatisfies(one, VersionOp::kAny, two));
  // The obsolete "<" and ">" mean "<=" and ">=".
  EXPECT_EQ(*ParseVersionOp("<"), VersionOp::kLessEqual);
  EXPECT_EQ(*ParseVersionOp(">"), VersionOp::kGreaterEqual);
  EXPECT_FALSE(ParseVersionOp("=>").ok());
}

// Versions dpkg accepts without a warning: a digit first, then the allowed characters.
std::vector<std::string> Corpus() {
  std::vector<std::string> v = {"0",
                                "0.0",
                                "00",
                                "1",
                                "1.0",
                                "1.0-1",
                                "1.0-0",
                                "1.0-1.1",
                                "1.0-1~bpo1",
                                "1.0+dfsg",
                                "1.0+dfsg-1",
                                "1.0~rc1",
                                "1.0~rc1-1",
                                "1.0~~",
                                "1.0~",
                                "1.0a",
                                "1.0A",
                                "1.0.a",
                                "1.0.0",
                                "1.00",
                                "1.002",
                                "1.2",
                                "1:0",
                                "1:1.0",
                                "2:0.1",
                                "10:1",
                                "0:1.0",
                                "1.0+b1",
                                "1.0-1+b1",
                                "1.0-1+deb12u1",
                                "1.0-1+deb12u10",
                                "1.0-1+deb12u9",
                                "9",
                                "10",
                                "1.9",
                                "1.10",
                                "1.0-a",
                                "1.0-a1",
                                "1.0-1a",
                                "1-2-3",
                                "1:2-3-4",
                                "2.36-9+deb12u14",
                                "2.36-9+deb12u7",
                                "3.0.20-1~deb12u2",
                                "3.0.22-1~deb12u2",
                                "20230311+deb12u1",
                                "20250419~deb12u2",
                                "1.0.0~beta1",
                                "1.0.0~beta1+git20230101",
                                "7.88.1-10+deb12u12",
                                "0.5.12-2",
                                "1:1.0:2",
                                "1.0-.1",
                                "1.0-~",
                                "1.0-+",
                                "1+",
                                "1.0++",
                                "1.0+~",
                                "1.0~+",
                                "5a",
                                "5z",
                                "5Z",
                                "5.a.b.c",
                                "5.1a"};
  // Generated ones: random pieces of digits, letters and the separators, seeded so the test
  // compares the same pairs every run.
  std::mt19937 rng(12345);
  const std::string alphabet = "0123456789abzAZ.+~";
  const std::string revision_alphabet = "0123456789abz.+~";
  for (int i = 0; i < 90; ++i) {
    std::string s;
    if (rng() % 5 == 0) s = absl::StrCat(rng() % 3, ":");
    s += static_cast<char>('0' + rng() % 10);
    int len = rng() % 7;
    for (int k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    if (rng() % 2 == 0) {
      s += '-';
      s += revision_alphabet[rng() % 10];
      int rlen = rng() % 5;
      for (int k = 0; k < rlen; ++k) s += revision_alphabet[rng() % revision_alphabet.size()];
    }
    v.push_back(s);
  }
  return v;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }

TEST(DebVersionTest, AgreesWithDpkgOnEveryPair) {
  std::vector<std::string> versions = Corpus();
  for (const std::string& v : versions) ASSERT_TRUE(ParseDebVersion(v).ok()) << v;
  // One shell runs dpkg for every pair; each line of its output is "<" "=" or ">".
  std::string script_path = absl::StrCat(testing::TempDir(), "/compare.sh");
  FILE* script = std::fopen(script_path.c_str(), "w");
  ASSERT_NE(script, nullptr);
  std::vector<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < versions.size(); ++i) {
    for (size_t j = i + 1; j < versions.size(); j += 1 + (i % 3)) {
      pairs.push_back({versions[i], versions[j]});
    }
  }
  std::fprintf(script,
               "c() { if dpkg --compare-versions \"$1\" lt \"$2\"; then echo '<'; "
               "elif dpkg --compare-versions \"$1\" eq \"$2\"; then echo '='; "
               "else echo '>'; fi; }\n");
  for (const auto& [a, b] : pairs) {
    std::fprintf(script, "c %s %s\n", Quote(a).c_str(), Quote(b).c_str());
  }
  std::fclose(script);
  FILE* out = popen(absl::StrCat("sh ", script_path, " 2>&1").c_str(), "r");
  ASSERT_NE(out, nullptr);
  std::vector<std::string> answers;
  char line[256];
  while (std::fgets(line, sizeof(line), out) != nullptr) answers.push_back(line);
  ASSERT_EQ(pclose(out), 0);
  ASSERT_EQ(answers.size(), pairs.size()) << "dpkg said: " << (answers.empty() ? "" : answers[0]);
  int checked = 0;
  for (size_t k = 0; k < pairs.size(); ++k) {
    int want = answers[k][0] == '<' ? -1 : (answers[k][0] == '=' ? 0 : 1);
    EXPECT_EQ(Compare(pairs[k].first, pairs[k].second), want)
        << pairs[k].first << " vs " << pairs[k].second;
    EXPECT_EQ(Compare(pairs[k].second, pairs[k].first), -want)
        << pairs[k].second << " vs " << pairs[k].first;
    ++checked;
  }
  EXPECT_GT(checked, 3000);
}

}  // namespace
}  // namespace stowage
