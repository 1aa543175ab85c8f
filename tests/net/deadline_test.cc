#include "builder/net/deadline.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace stowage {
namespace net {
namespace {

TEST(DeadlineTest, UnsetNeverExpires) {
  Deadline none;
  EXPECT_FALSE(none.IsSet());
  EXPECT_FALSE(none.Expired());
  EXPECT_EQ(none.Remaining(), absl::InfiniteDuration());
}

TEST(DeadlineTest, ExpiresAndSaysWhere) {
  Deadline d(absl::ZeroDuration(), "--timeout 0s", false);
  EXPECT_TRUE(d.Expired());
  EXPECT_EQ(d.Remaining(), absl::ZeroDuration());
  absl::Status s = d.Exceeded("GET http://h/v2/");
  EXPECT_TRUE(absl::IsDeadlineExceeded(s));
  EXPECT_TRUE(absl::StrContains(s.message(), "GET http://h/v2/")) << s;
  EXPECT_TRUE(absl::StrContains(s.message(), "--timeout 0s")) << s;
}

TEST(DeadlineTest, OnlyADefaultGrows) {
  Deadline user(absl::Minutes(1), "--timeout 1m", /*extendable=*/false);
  user.ExtendBy(absl::Hours(1));
  EXPECT_LE(user.Remaining(), absl::Minutes(1));
  Deadline fallback(absl::Minutes(1), "the default --timeout", /*extendable=*/true);
  fallback.ExtendBy(absl::Hours(1));
  EXPECT_GT(fallback.Remaining(), absl::Minutes(59));
  EXPECT_EQ(fallback.budget(), absl::Minutes(61));
}

TEST(ParseTimeoutTest, DurationsAndSeconds) {
  EXPECT_EQ(*ParseTimeout("90", "--timeout"), absl::Seconds(90));
  EXPECT_EQ(*ParseTimeout("1.5", "--timeout"), absl::Milliseconds(1500));
  EXPECT_EQ(*ParseTimeout("10m", "--timeout"), absl::Minutes(10));
  EXPECT_EQ(*ParseTimeout("1h30m", "--timeout"), absl::Minutes(90));
  EXPECT_EQ(*ParseTimeout("500ms", "--timeout"), absl::Milliseconds(500));
  for (const char* bad : {"", "0", "-1", "soon", "10 m", "200h", "inf", "nan"}) {
    EXPECT_FALSE(ParseTimeout(bad, "--timeout").ok()) << bad;
  }
}

TEST(ShortDurationTest, Short) {
  EXPECT_EQ(ShortDuration(absl::Minutes(10)), "10m");
  EXPECT_EQ(ShortDuration(absl::Hours(1)), "1h");
  EXPECT_EQ(ShortDuration(absl::Seconds(90)), "1m30s");
  EXPECT_EQ(ShortDuration(absl::Milliseconds(300)), "300ms");
}

}  // namespace
}  // namespace net
}  // namespace stowage
