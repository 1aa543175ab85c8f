// The JSON spec the rule writes: defaults, validation, sources.
#include "builder/static/spec.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<StaticSpec> Parse(const std::string& text) {
  return ParseStaticSpec(nlohmann::json::parse(text));
}

TEST(StaticSpec, Defaults) {
  auto spec = Parse(R"({"sources": []})");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->options.post_process.version, DjangoVersion::k3_2);
  EXPECT_EQ(spec->options.post_process.static_url, "/static/");
  EXPECT_TRUE(spec->options.post_process.strict);
  EXPECT_TRUE(spec->options.gzip && spec->options.brotli);
  EXPECT_FALSE(spec->options.keep_only_hashed_files);
  EXPECT_EQ(spec->options.skip_compress_extensions.size(), 16u);
  EXPECT_EQ(spec->options.ignore_patterns, (std::vector<std::string>{"CVS", ".*", "*~"}));
}

TEST(StaticSpec, Sources) {
  auto spec = Parse(R"({"django_version": "4.2", "skip_compress_extensions": [],
    "sources": [{"label": "//a:b", "prefix": "vendor", "strip_prefix": "static",
                 "files": [["static/a.css", "x/static/a.css"]], "dirs": [["d", "x/d"]]}]})");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_EQ(spec->options.post_process.version, DjangoVersion::k4_2);
  EXPECT_TRUE(spec->options.skip_compress_extensions.empty());
  ASSERT_EQ(spec->sources.size(), 1u);
  EXPECT_EQ(spec->sources[0].prefix, "vendor");
  EXPECT_EQ(spec->sources[0].label, "//a:b");
  EXPECT_EQ(spec->sources[0].files[0].second, "x/static/a.css");
  EXPECT_EQ(spec->sources[0].dirs[0].first, "d");
  EXPECT_FALSE(spec->sources[0].only_under_strip_prefix);
}

TEST(StaticSpec, AppSource) {
  auto spec = Parse(R"({"sources": [{"strip_prefix": "django/contrib/admin/static",
    "only_under_strip_prefix": true, "files": []}]})");
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_TRUE(spec->sources[0].only_under_strip_prefix);
  EXPECT_THAT(
      std::string(Parse(R"({"sources": [{"only_under_strip_prefix": "yes"}]})").status().message()),
      HasSubstr("only_under_strip_prefix"));
}

TEST(StaticSpec, PrecompressSpec) {
  auto spec =
      ParsePrecompressSpec(nlohmann::json::parse(R"({"brotli": false, "files": ["a", "b"]})"));
  ASSERT_TRUE(spec.ok()) << spec.status();
  EXPECT_FALSE(spec->brotli);
  EXPECT_TRUE(spec->gzip);
  EXPECT_EQ(spec->files, (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(ParsePrecompressSpec(nlohmann::json::parse(R"({"files": [], "x": 1})")).ok());
}

TEST(StaticSpec, Rejects) {
  EXPECT_THAT(std::string(Parse(R"({"sources": [], "django_version": "5.0"})").status().message()),
              HasSubstr("django_version"));
  EXPECT_THAT(std::string(Parse(R"({"sources": [], "static_url": "/static"})").status().message()),
              HasSubstr("static_url"));
  EXPECT_THAT(std::string(Parse(R"({"sources": [], "gzipp": true})").status().message()),
              HasSubstr("gzipp: unknown key (in the static spec)"));
  // Wrong types name the field instead of aborting.
  EXPECT_THAT(std::string(Parse(R"({"sources": {}})").status().message()),
              HasSubstr("sources: expected an array, got an object"));
  EXPECT_THAT(std::string(Parse(R"({"sources": [{"files": "a"}]})").status().message()),
              HasSubstr("sources[0].files: expected an array, got a string"));
  EXPECT_THAT(
      std::string(Parse(R"({"sources": [{"files": [["a", "b\u0000c"]]}]})").status().message()),
      HasSubstr("NUL"));
  EXPECT_FALSE(Parse(R"({"sources": [], "strict": "yes"})").ok());
  EXPECT_FALSE(Parse(R"({"sources": [{"files": [["only-one"]]}]})").ok());
  EXPECT_FALSE(Parse(R"({})").ok());
}

}  // namespace
}  // namespace stowage
