#include "builder/registry/retry.h"

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace stowage {
namespace registry {
namespace {

TEST(RetryTest, RetryableStatuses) {
  EXPECT_TRUE(IsRetryableHttpStatus(429));
  EXPECT_TRUE(IsRetryableHttpStatus(500));
  EXPECT_TRUE(IsRetryableHttpStatus(503));
  EXPECT_FALSE(IsRetryableHttpStatus(501));
  EXPECT_FALSE(IsRetryableHttpStatus(404));
  EXPECT_FALSE(IsRetryableHttpStatus(401));
  EXPECT_TRUE(IsRetryableStatus(absl::UnavailableError("reset")));
  EXPECT_FALSE(IsRetryableStatus(absl::InvalidArgumentError("bad")));
}

TEST(RetryTest, BackoffGrowsWithinBoundsAndStopsAtMaxRetries) {
  RetryPolicy p;
  p.max_retries = 6;
  p.initial_delay = absl::Milliseconds(100);
  p.max_delay = absl::Milliseconds(1000);
  p.max_total = absl::Seconds(100);
  for (uint64_t seed = 0; seed < 50; ++seed) {
    Backoff b(p, seed);
    absl::Duration ceiling = p.initial_delay;
    for (int i = 0; i < 6; ++i) {
      auto d = b.NextDelay();
      ASSERT_TRUE(d.has_value());
      EXPECT_GE(*d, ceiling / 2) << "retry " << i;
      EXPECT_LE(*d, ceiling) << "retry " << i;
      ceiling = std::min(ceiling * 2, p.max_delay);
    }
    EXPECT_FALSE(b.NextDelay().has_value());
    EXPECT_EQ(b.retries(), 6);
  }
}

TEST(RetryTest, TotalBudgetBoundsWaits) {
  RetryPolicy p;
  p.max_retries = 100;
  p.initial_delay = absl::Milliseconds(400);
  p.max_delay = absl::Seconds(10);
  p.max_total = absl::Seconds(2);
  Backoff b(p, 7);
  absl::Duration total;
  while (auto d = b.NextDelay()) total += *d;
  EXPECT_LE(total, p.max_total);
  EXPECT_LT(b.retries(), 100);
}

TEST(RetryTest, RetryAfterWinsButRespectsBudget) {
  RetryPolicy p;
  p.max_total = absl::Seconds(10);
  Backoff b(p, 1);
  auto d = b.NextDelay(absl::Seconds(3));
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(*d, absl::Seconds(3));
  EXPECT_FALSE(b.NextDelay(absl::Seconds(60)).has_value());
}

TEST(RetryTest, TheDeadlineEndsRetriesWhateverTheBudget) {
  net::Deadline deadline(absl::Seconds(1), "--timeout 1s", false);
  RetryPolicy p;
  p.max_retries = 100;
  p.max_total = absl::Hours(1);
  p.initial_delay = absl::Seconds(2);  // every wait would end after the deadline
  p.deadline = &deadline;
  Backoff b(p, 1);
  EXPECT_FALSE(b.NextDelay().has_value());
  EXPECT_NE(b.GaveUp().find("--timeout 1s"), std::string::npos) << b.GaveUp();
  // A Retry-After beyond the deadline ends them too.
  Backoff c(p, 1);
  EXPECT_FALSE(c.NextDelay(absl::Seconds(5)).has_value());
  // Short waits are fine while time is left.
  p.initial_delay = absl::Milliseconds(10);
  Backoff d(p, 1);
  EXPECT_TRUE(d.NextDelay().has_value());
  EXPECT_EQ(d.GaveUp(), " (gave up after 1 retries)");
}

TEST(RetryTest, ADeadlinePassedIsNotRetried) {
  EXPECT_FALSE(IsRetryableStatus(absl::DeadlineExceededError("GET x: not finished before")));
}

TEST(RetryTest, ParsesRetryAfter) {
  absl::Time now = absl::FromUnixSeconds(1445412480);  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("5", now), absl::Seconds(5));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), absl::ZeroDuration());
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now), absl::Seconds(30));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), absl::ZeroDuration());
  EXPECT_FALSE(ParseRetryAfter("soon", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("-3", now).has_value());
  EXPECT_FALSE(ParseRetryAfter("", now).has_value());
}

TEST(RetryTest, SleepStopsWhenCancelled) {
  std::atomic<bool> cancelled{true};
  absl::Time start = absl::Now();
  EXPECT_FALSE(SleepUnlessCancelled(absl::Seconds(5), &cancelled));
  EXPECT_LT(absl::Now() - start, absl::Seconds(1));
}

}  // namespace
}  // namespace registry
}  // namespace stowage
