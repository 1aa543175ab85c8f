#include "builder/common/json_access.h"

#include <unistd.h>

#include <cstdio>
#include <string>

#include "absl/strings/match.h"
#include "builder/common/json_file.h"
#include "builder/common/limits.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

using nlohmann::json;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(JsonViewTest, ErrorNamesPathTypeAndSource) {
  json doc = json::parse(R"({"config":{"rootfs":{"diff_ids":{"a":1}}}})");
  JsonView root(doc, "base config from reg.test/base");
  auto config = root.RequiredObject("config");
  ASSERT_TRUE(config.ok());
  auto rootfs = config->RequiredObject("rootfs");
  ASSERT_TRUE(rootfs.ok());
  auto ids = rootfs->RequiredArray("diff_ids");
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(Message(ids.status()),
            "config.rootfs.diff_ids: expected an array, got an object "
            "(in base config from reg.test/base)");
}

TEST(JsonViewTest, RootErrorsHaveNoPath) {
  json doc = json::parse("[1]");
  JsonView root(doc, "manifest");
  absl::Status s = root.ExpectObject();
  EXPECT_EQ(Message(s), "expected an object, got an array (in manifest)");
  // Member access on a non-object is an error, not an assertion or an exception.
  EXPECT_FALSE(root.RequiredString("mediaType").ok());
  EXPECT_FALSE(root.OptionalString("mediaType").ok());
  EXPECT_FALSE(root.Has("mediaType"));
}

TEST(JsonViewTest, ArrayElementsAndOddKeysInPaths) {
  json doc = json::parse(R"({"layers":[{"mediaType":"x"},{"mediaType":5}],
                             "annotations":{"org.example\n":7}})");
  JsonView root(doc, "m");
  auto layers = root.RequiredArray("layers");
  ASSERT_TRUE(layers.ok());
  ASSERT_EQ(layers->size(), 2u);
  EXPECT_EQ((*layers)[0].RequiredString("mediaType").value(), "x");
  auto bad = (*layers)[1].RequiredString("mediaType");
  EXPECT_EQ(Message(bad.status()), "layers[1].mediaType: expected a string, got an integer (in m)");
  auto annotations = root.OptionalStringMap("annotations");
  ASSERT_FALSE(annotations.ok());
  // The key is quoted with its control character escaped: server bytes never reach a terminal.
  EXPECT_EQ(Message(annotations.status()),
            "annotations[\"org.example\\x0a\"]: expected a string, got an integer (in m)");
}

TEST(JsonViewTest, RequiredAndOptional) {
  json doc = json::parse(R"({"a":"x","n":null,"b":true,"i":3,"o":{},"l":["p","q"]})");
  JsonView root(doc, "d");
  EXPECT_EQ(root.RequiredString("a").value(), "x");
  EXPECT_EQ(Message(root.RequiredString("missing").status()),
            "missing: required, but missing (in d)");
  // Null is the same as absent (image-spec: optional fields may be null).
  EXPECT_FALSE(root.RequiredString("n").ok());
  EXPECT_EQ(root.OptionalString("n", "fallback").value(), "fallback");
  EXPECT_EQ(root.OptionalString("missing", "fallback").value(), "fallback");
  EXPECT_FALSE(root.OptionalString("b").ok());
  EXPECT_TRUE(root.RequiredBool("b").value());
  EXPECT_FALSE(root.OptionalBool("missing", false).value());
  EXPECT_FALSE(root.OptionalBool("i", false).ok());
  EXPECT_TRUE(root.OptionalObject("missing").ok());
  EXPECT_TRUE(root.OptionalObject("missing")->is_object());
  EXPECT_FALSE(root.OptionalObject("a").ok());
  EXPECT_TRUE(root.OptionalArray("missing").value().empty());
  EXPECT_FALSE(root.OptionalArray("o").ok());
  EXPECT_EQ(root.OptionalStringArray("l").value(), (std::vector<std::string>{"p", "q"}));
  EXPECT_FALSE(root.OptionalStringArray("a").ok());
  EXPECT_TRUE(root.Has("a"));
  EXPECT_FALSE(root.Has("n"));
  EXPECT_FALSE(root.Has("missing"));
}

TEST(JsonViewTest, StringArrayNamesTheBadElement) {
  json doc = json::parse(R"({"Env":["A=1",2]})");
  auto env = JsonView(doc, "config").OptionalStringArray("Env");
  EXPECT_EQ(Message(env.status()), "Env[1]: expected a string, got an integer (in config)");
}

TEST(JsonViewTest, IntegersAreRangeChecked) {
  // 2^32 + 3 would wrap to 3 through get<int>().
  json doc = json::parse(R"({"level":4294967299,"neg":-1,"huge":18446744073709551615,
                             "float":3.0,"str":"3","ok":9})");
  JsonView root(doc, "spec");
  auto level = root.RequiredInt("level", 0, 12);
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(Message(level.status()),
            "level: expected an integer from 0 to 12, got 4294967299 (in spec)");
  EXPECT_FALSE(root.RequiredInt("neg", 0, 10).ok());
  EXPECT_EQ(root.RequiredInt("neg", -5, 10).value(), -1);
  EXPECT_FALSE(root.RequiredInt("huge", 0, INT64_MAX).ok());
  EXPECT_EQ(Message(root.RequiredInt("float", 0, 10).status()),
            "float: expected an integer, got a number (in spec)");
  EXPECT_FALSE(root.RequiredInt("str", 0, 10).ok());
  EXPECT_EQ(root.RequiredInt("ok", 0, 10).value(), 9);
  EXPECT_EQ(root.OptionalInt("missing", 4, 0, 10).value(), 4);
}

TEST(JsonViewTest, StringsRefuseNulAndRespectCaps) {
  json doc = json::parse(R"({"tag":"v1\u0000evil","long":"abcdef"})");
  JsonView root(doc, "index");
  auto tag = root.RequiredString("tag");
  ASSERT_FALSE(tag.ok());
  EXPECT_EQ(Message(tag.status()), "tag: the string contains a NUL byte (in index)");
  EXPECT_FALSE(root.RequiredString("long", 5).ok());
  EXPECT_EQ(root.RequiredString("long", 6).value(), "abcdef");
  json map = json::parse(R"({"labels":{"a\u0000b":"c"}})");
  EXPECT_FALSE(JsonView(map, "x").OptionalStringMap("labels").ok());
}

TEST(JsonViewTest, CollectionCaps) {
  json doc = json::parse(R"({"layers":[1,2,3],"o":{"a":"1","b":"2"}})");
  JsonView root(doc, "m");
  auto layers = root.RequiredArray("layers", 2);
  ASSERT_FALSE(layers.ok());
  EXPECT_TRUE(absl::StrContains(layers.status().message(), "limit of 2"));
  EXPECT_TRUE(root.RequiredArray("layers", 3).ok());
  EXPECT_FALSE(root.OptionalStringMap("o", 1).ok());
  EXPECT_TRUE(root.OptionalStringMap("o", 2).ok());
}

TEST(JsonViewTest, MembersAndOnlyKeys) {
  json doc = json::parse(R"({"b":1,"a":{"x":2}})");
  JsonView root(doc, "spec");
  auto members = root.AsObject();
  ASSERT_TRUE(members.ok());
  ASSERT_EQ(members->size(), 2u);
  EXPECT_EQ((*members)[0].first, "a");
  EXPECT_EQ((*members)[0].second.path(), "a");
  EXPECT_TRUE(root.OnlyKeys({"a", "b"}).ok());
  EXPECT_EQ(Message(root.OnlyKeys({"a"})), "b: unknown key (in spec)");
  EXPECT_FALSE(JsonView(json::array(), "s").OnlyKeys({"a"}).ok());
}

TEST(ParseJsonTest, MalformedTextIsAnErrorThatDoesNotQuoteIt) {
  auto parsed = ParseJson(R"({"password": "hunter2)", "config.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(absl::StartsWith(parsed.status().message(), "malformed JSON in config.json: "));
  EXPECT_FALSE(absl::StrContains(parsed.status().message(), "hunter2"));
  EXPECT_FALSE(absl::StrContains(parsed.status().message(), "json.exception"));
}

TEST(ParseJsonTest, DeepNestingIsRefused) {
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  auto parsed = ParseJson(deep, "index");
  ASSERT_FALSE(parsed.ok());
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), "nested more than"));
  std::string ok =
      std::string(limits::kMaxJsonDepth, '[') + std::string(limits::kMaxJsonDepth, ']');
  EXPECT_TRUE(ParseJson(ok, "index").ok());
  std::string one_more = "[" + ok + "]";
  EXPECT_FALSE(ParseJson(one_more, "index").ok());
}

TEST(ParseJsonTest, SizeCap) {
  EXPECT_FALSE(ParseJson("[1, 2, 3]", "x", 5).ok());
  EXPECT_TRUE(ParseJson("[1,2,3]", "x", 7).ok());
}

TEST(ParseJsonTest, ReadJsonFileCapsTheRead) {
  char path[] = "/tmp/json_access_testXXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::string text = "{\"a\":\"" + std::string(1000, 'x') + "\"}";
  ASSERT_EQ(write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  close(fd);
  auto capped = ReadJsonFile(path, 100);
  EXPECT_FALSE(capped.ok());
  EXPECT_TRUE(absl::StrContains(capped.status().message(), "larger than the limit"));
  EXPECT_TRUE(ReadJsonFile(path, 2000).ok());
  unlink(path);
}

TEST(CanonicalJsonTest, InvalidUtf8IsAnErrorNotAnException) {
  json j = {{"name", std::string("caf\xe9")}};  // Latin-1 bytes from a file name or a flag
  auto text = CanonicalJson(j, "the index");
  ASSERT_FALSE(text.ok());
  EXPECT_TRUE(absl::StrContains(text.status().message(), "the index"));
  EXPECT_EQ(JsonForDisplay(j, -1), "{\"name\":\"caf\xef\xbf\xbd\"}");
  EXPECT_EQ(CanonicalJson(json{{"b", 1}, {"a", "\xc3\xa9"}}).value(),
            "{\"a\":\"\xc3\xa9\",\"b\":1}");
}

}  // namespace
}  // namespace stowage
