#include "api/rate_limiter.h"

#include <string>

#include "gtest/gtest.h"

namespace subex {
namespace {

constexpr int64_t kSecond = 1'000'000;

TEST(RateLimiterTest, OffAdmitsEverything) {
  RateLimiter off({.per_second = 0, .burst = 1});
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(off.Admit("a", 0), std::nullopt);
  EXPECT_EQ(off.tracked(), 0u);
}

TEST(RateLimiterTest, ABurstIsAdmittedAtOnceAndTheNextWaitsForOneToken) {
  RateLimiter limiter({.per_second = 2, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Admit("a", 10 * kSecond), std::nullopt) << i;
  EXPECT_EQ(limiter.Admit("a", 10 * kSecond), kSecond / 2);
  // Half a second later one token is back, and only one.
  EXPECT_EQ(limiter.Admit("a", 10 * kSecond + kSecond / 2), std::nullopt);
  EXPECT_EQ(limiter.Admit("a", 10 * kSecond + kSecond / 2), kSecond / 2);
}

TEST(RateLimiterTest, ARejectedRequestCostsNothing) {
  RateLimiter limiter({.per_second = 1, .burst = 1});
  EXPECT_EQ(limiter.Admit("a", 0), std::nullopt);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(limiter.Admit("a", 0), kSecond);
  EXPECT_EQ(limiter.Admit("a", kSecond), std::nullopt);
}

TEST(RateLimiterTest, TheSustainedRateIsTheConfiguredOne) {
  RateLimiter limiter({.per_second = 10, .burst = 5});
  int admitted = 0;
  for (int64_t t = 0; t < 10 * kSecond; t += kSecond / 1000) {  // 1000 tries a second.
    if (!limiter.Admit("a", t)) ++admitted;
  }
  EXPECT_GE(admitted, 100);
  EXPECT_LE(admitted, 105);  // The burst, then 10 a second.
}

TEST(RateLimiterTest, ClientsHaveBucketsOfTheirOwn) {
  RateLimiter limiter({.per_second = 1, .burst = 1});
  EXPECT_EQ(limiter.Admit("a", 0), std::nullopt);
  EXPECT_NE(limiter.Admit("a", 0), std::nullopt);
  EXPECT_EQ(limiter.Admit("b", 0), std::nullopt);
}

TEST(RateLimiterTest, TrackedClientsStayWithinTheBound) {
  RateLimiter limiter({.per_second = 1, .burst = 1, .max_clients = 640});
  for (int i = 0; i < 10'000; ++i) limiter.Admit("client " + std::to_string(i), 0);
  EXPECT_LE(limiter.tracked(), 640u);
}

TEST(RateLimiterTest, FullBucketsAreForgottenBeforeAThrottledClient) {
  RateLimiter limiter({.per_second = 1, .burst = 1, .max_clients = 6'400});
  // Every shard filled with clients whose buckets are full again ten seconds later.
  for (int i = 0; i < 20'000; ++i) limiter.Admit("early " + std::to_string(i), 0);
  const int64_t now = 10 * kSecond;
  EXPECT_EQ(limiter.Admit("busy", now), std::nullopt);
  EXPECT_NE(limiter.Admit("busy", now), std::nullopt);
  // Newcomers take the early clients' places, not the throttled one's.
  for (int i = 0; i < 3'000; ++i) limiter.Admit("new " + std::to_string(i), now);
  EXPECT_NE(limiter.Admit("busy", now), std::nullopt);
}

}  // namespace
}  // namespace subex
