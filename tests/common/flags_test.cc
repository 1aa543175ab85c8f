#include "builder/cli/flags.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace stowage {
namespace {

const std::vector<FlagDef> kDefs = {
    ValueFlag("a", "A", "an a"),
    PathFlag("b", "FILE", "a path"),
    SwitchFlag("v", "be loud"),
};

TEST(FlagsTest, ParsesForms) {
  auto flags = Flags::Parse({"--a=1", "--b", "2", "--v", "pos", "--b=3", "--", "--x"}, kDefs);
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->Get("a"), "1");
  EXPECT_EQ(flags->Get("b"), "3");
  EXPECT_EQ(flags->GetAll("b"), (std::vector<std::string>{"2", "3"}));
  EXPECT_TRUE(flags->Has("v"));
  EXPECT_FALSE(flags->Has("missing"));
  EXPECT_EQ(flags->positional(), (std::vector<std::string>{"pos", "--x"}));
}

TEST(FlagsTest, RejectsUnknownAndMissingValues) {
  EXPECT_FALSE(Flags::Parse({"--nope"}, kDefs).ok());
  EXPECT_FALSE(Flags::Parse({"--a"}, kDefs).ok());
  EXPECT_FALSE(Flags::Parse({"--v=maybe"}, kDefs).ok());
  auto flags = Flags::Parse({"--a=x"}, kDefs);
  ASSERT_TRUE(flags.ok());
  EXPECT_FALSE(flags->GetInt("a", 0).ok());
  EXPECT_FALSE(flags->Require("other").ok());
}

TEST(FlagsTest, HelpWinsAndListsEveryFlag) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"-h"}, {"--nope", "--help"}, {"--a", "1", "-h", "pos"}}) {
    auto flags = Flags::Parse(args, kDefs);
    ASSERT_FALSE(flags.ok());
    ASSERT_TRUE(HelpRequested(flags.status())) << flags.status();
    std::string help = HelpText(flags.status());
    EXPECT_NE(help.find("--a A"), std::string::npos) << help;
    EXPECT_NE(help.find("an a"), std::string::npos) << help;
    EXPECT_NE(help.find("--b FILE"), std::string::npos) << help;
    EXPECT_NE(help.find("--v "), std::string::npos) << help;
    EXPECT_NE(help.find("be loud"), std::string::npos) << help;
    EXPECT_NE(help.find("-h, --help"), std::string::npos) << help;
  }
  // After "--", --help is an argument like any other.
  auto flags = Flags::Parse({"--", "--help"}, kDefs);
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->positional(), (std::vector<std::string>{"--help"}));
  EXPECT_FALSE(HelpRequested(absl::InvalidArgumentError("x")));
}

TEST(FlagsTest, HelpSynopsisNamesArguments) {
  auto flags = Flags::Parse({"--help"}, {PathArguments("FILE...", "files"), kDefs[0]});
  ASSERT_TRUE(HelpRequested(flags.status()));
  std::string help = HelpText(flags.status());
  EXPECT_EQ(help.substr(0, help.find('\n')), "[flags] FILE...");
  EXPECT_NE(help.find("arguments:\n  FILE..."), std::string::npos) << help;
  EXPECT_NE(help.find("BUILD_WORKING_DIRECTORY"), std::string::npos) << help;
}

TEST(FlagsTest, PathsResolveAgainstBuildWorkingDirectory) {
  const std::vector<FlagDef> defs = {PathFlag("p", "FILE", "a path"), ValueFlag("v", "V", "not"),
                                     PathArguments("FILE...", "paths")};
  unsetenv("BUILD_WORKING_DIRECTORY");
  auto plain = Flags::Parse({"--p", "rel/x", "arg"}, defs);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->Get("p"), "rel/x");
  EXPECT_EQ(plain->positional()[0], "arg");

  setenv("BUILD_WORKING_DIRECTORY", "/home/user/ws", 1);
  auto flags = Flags::Parse({"--p=rel/x", "--v", "rel/y", "arg", "/abs", "--", "tail"}, defs);
  unsetenv("BUILD_WORKING_DIRECTORY");
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->Get("p"), "/home/user/ws/rel/x");
  EXPECT_EQ(flags->Get("v"), "rel/y");  // not a path: untouched
  EXPECT_EQ(flags->positional(),
            (std::vector<std::string>{"/home/user/ws/arg", "/abs", "/home/user/ws/tail"}));
}

TEST(FlagsTest, PlainArgumentsAreNotResolved) {
  setenv("BUILD_WORKING_DIRECTORY", "/w", 1);
  auto flags = Flags::Parse({"x"}, {Arguments("NAME", "a name")});
  unsetenv("BUILD_WORKING_DIRECTORY");
  ASSERT_TRUE(flags.ok());
  EXPECT_EQ(flags->positional()[0], "x");
}

TEST(FlagsTest, IntegersAreRangeCheckedNotWrapped) {
  // 2^32 + 1 used to become 1 thread through a cast to int.
  const std::vector<FlagDef> defs = {ValueFlag("threads", "N", "threads"),
                                     ValueFlag("small", "N", "small"), ValueFlag("ok", "N", "ok")};
  auto flags = Flags::Parse({"--threads=4294967297", "--small=-3", "--ok=8"}, defs);
  ASSERT_TRUE(flags.ok());
  auto threads = flags->GetInt("threads", 0, 0, 1024);
  ASSERT_FALSE(threads.ok());
  EXPECT_EQ(threads.status().message(), "flag --threads must be from 0 to 1024, not 4294967297");
  EXPECT_FALSE(flags->GetInt("small", 0, 0, 10).ok());
  EXPECT_EQ(flags->GetInt("ok", 0, 0, 10).value(), 8);
  EXPECT_EQ(flags->GetInt("absent", 7, 0, 10).value(), 7);
}

}  // namespace
}  // namespace stowage
