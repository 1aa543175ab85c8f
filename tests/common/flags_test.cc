#include "builder/cli/command.h"
#include "gtest/gtest.h"

namespace stowage {
namespace {

TEST(FlagsTest, ParsesForms) {
  auto flags =
      Flags::Parse({"--a=1", "--b", "2", "--v", "pos", "--b=3", "--", "--x"}, {"a", "b", "v!"});
  ASSERT_TRUE(flags.ok()) << flags.status();
  EXPECT_EQ(flags->Get("a"), "1");
  EXPECT_EQ(flags->Get("b"), "3");
  EXPECT_EQ(flags->GetAll("b"), (std::vector<std::string>{"2", "3"}));
  EXPECT_TRUE(flags->Has("v"));
  EXPECT_FALSE(flags->Has("missing"));
  EXPECT_EQ(flags->positional(), (std::vector<std::string>{"pos", "--x"}));
}

TEST(FlagsTest, RejectsUnknownAndMissingValues) {
  EXPECT_FALSE(Flags::Parse({"--nope"}, {"a"}).ok());
  EXPECT_FALSE(Flags::Parse({"--a"}, {"a"}).ok());
  EXPECT_FALSE(Flags::Parse({"--v=maybe"}, {"v!"}).ok());
  auto flags = Flags::Parse({"--n=x"}, {"n"});
  ASSERT_TRUE(flags.ok());
  EXPECT_FALSE(flags->GetInt("n", 0).ok());
  EXPECT_FALSE(flags->Require("other").ok());
}

}  // namespace
}  // namespace stowage
