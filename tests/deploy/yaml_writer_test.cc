#include "builder/deploy/yaml_writer.h"

#include "gtest/gtest.h"
#include "yaml-cpp/yaml.h"

namespace stowage {
namespace {

TEST(YamlNeedsQuotesTest, PlainOnlyForUnambiguousStrings) {
  for (const char* plain : {"web", "DATABASE", "bookstore.settings", "/app/bin/bookstore",
                            "heroku-postgresql", "CMD-SHELL", "_x"}) {
    EXPECT_FALSE(YamlNeedsQuotes(plain)) << plain;
  }
  for (const char* quoted : {"",     "1",   "0",    "8000:8000", "yes",
                             "No",   "ON",  "off",  "true",      "False",
                             "null", "~",   "y",    "n",         "${SECRET_KEY:?x}",
                             "a b",  "a:b", "#x",   "-x",        ".5",
                             "*ref", "&a",  "!tag", "'q'",       "\"q\"",
                             "[x]",  "{x}", "x#y",  "@x",        "%x",
                             "1:30", "1e3", "x\ny"}) {
    EXPECT_TRUE(YamlNeedsQuotes(quoted)) << quoted;
  }
}

TEST(EmitYamlTest, RoundTripsEveryScalarAsTheSameString) {
  YamlNode root = YamlNode::Map();
  const std::vector<std::string> values = {"yes",
                                           "1",
                                           "8000:8000",
                                           "${SECRET_KEY:?SECRET_KEY must be set}",
                                           "a \"quoted\" \\ value",
                                           "tab\there",
                                           "line\nbreak",
                                           "caf\xC3\xA9",
                                           "",
                                           "plain",
                                           "- dash",
                                           "#hash",
                                           "null"};
  YamlNode& list = root.Set("values", YamlNode::List());
  for (const std::string& v : values) list.Append(YamlNode::Scalar(v));
  root.Set("yes", "key that needs quotes");
  auto text = EmitYaml(root, {"header line"});
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_EQ(text->rfind("# header line\n", 0), 0u);
  EXPECT_EQ(text->back(), '\n');
  YAML::Node parsed = YAML::Load(*text);
  ASSERT_EQ(parsed["values"].size(), values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    EXPECT_EQ(parsed["values"][i].as<std::string>(), values[i]);
    // Tagged as a string, not resolved to bool/int/null: quoted scalars carry the "!" tag.
    if (YamlNeedsQuotes(values[i])) {
      EXPECT_EQ(parsed["values"][i].Tag(), "!") << values[i];
    }
  }
  EXPECT_EQ(parsed["yes"].as<std::string>(), "key that needs quotes");
}

TEST(EmitYamlTest, KeepsInsertionOrderAndEmitsEmptyCollectionsInFlow) {
  YamlNode root = YamlNode::Map();
  root.Set("services", YamlNode::Map())
      .Set("web", YamlNode::Map())
      .Set("retries", YamlNode::Number(5));
  root.Set("volumes", YamlNode::Map()).Set("data", YamlNode::Map());
  root.Set("empty", YamlNode::List());
  root.Set("services", YamlNode::Map()).Set("web", "replaced");  // keeps first position
  auto text = EmitYaml(root, {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "services:\n  web: replaced\nvolumes:\n  data: {}\nempty: []\n");
}

TEST(EmitYamlTest, NumbersArePlain) {
  YamlNode root = YamlNode::Map();
  root.Set("retries", YamlNode::Number(10));
  root.Set("text", "10");
  auto text = EmitYaml(root, {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "retries: 10\ntext: \"10\"\n");
}

TEST(EmitYamlTest, RejectsInvalidUtf8) {
  YamlNode root = YamlNode::Map();
  root.Set("bad", std::string("\xC3\x28"));
  EXPECT_FALSE(EmitYaml(root, {}).ok());
  YamlNode overlong = YamlNode::Map();
  overlong.Set(std::string("\xC0\xAF"), "x");
  EXPECT_FALSE(EmitYaml(overlong, {}).ok());
  YamlNode truncated = YamlNode::List();
  truncated.Append(YamlNode::Scalar("\xE2\x82"));
  EXPECT_FALSE(EmitYaml(truncated, {}).ok());
}

TEST(EmitYamlTest, IsDeterministic) {
  auto build = [] {
    YamlNode root = YamlNode::Map();
    root.Set("b", "2").Scalar("x");
    root.Set("a", YamlNode::StringList({"x", "y"}));
    return EmitYaml(root, {"h"});
  };
  EXPECT_EQ(*build(), *build());
}

}  // namespace
}  // namespace stowage

namespace stowage {
namespace {

TEST(EmitYamlTest, LongScalarsStayOnOneLine) {
  std::string long_command(300, 'x');
  long_command += " --bind 0.0.0.0:$PORT";
  YamlNode root = YamlNode::Map();
  root.Set("web", long_command);
  auto text = EmitYaml(root, {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "web: \"" + long_command + "\"\n");
}

TEST(EmitYamlTest, HeaderLinesCannotEndTheirComment) {
  // A label with a line break used to start a new line of YAML after "# ...".
  YamlNode root = YamlNode::Map();
  root.Set("a", "b");
  auto text = EmitYaml(root, {"from //x:y\nevil: 1\r\xc2\x85nel\xe2\x80\xa8ls\x07"});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "# from //x:y evil: 1  nel ls \na: b\n");
  EXPECT_EQ(CommentText("caf\xc3\xa9 \xef\xbf\xbe"), "caf\xc3\xa9  ");
}

TEST(EmitYamlTest, ValuesYamlCannotCarryAreRefused) {
  // yaml-cpp would write U+FFFD for U+FFFE: a silently different value.
  YamlNode root = YamlNode::Map();
  root.Set("a", "x\xef\xbf\xbey");
  EXPECT_FALSE(EmitYaml(root, {}).ok());
}

}  // namespace
}  // namespace stowage
