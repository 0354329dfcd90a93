// Specification of civil time: days as YYYY-MM-DD (UTC), instants as RFC 3339, and the day an
// instant falls on.

#include "engine/civil_time.h"

#include "engine/test_fixture.h"
#include "engine/units.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(CivilTimeTest, DaysCountFromTheEpoch) {
  EXPECT_EQ(ParseDay("1970-01-01"), Day{0});
  EXPECT_EQ(ParseDay("1970-01-02"), Day{1});
  EXPECT_EQ(ParseDay("1969-12-31"), Day{-1});
  EXPECT_EQ(ParseDay("2026-12-01"), Day{20788});
}

TEST(CivilTimeTest, FormatDayRoundTrips) {
  for (const char* text : {"1970-01-01", "1969-12-31", "2026-11-23", "2028-02-29", "2099-12-31"}) {
    std::optional<Day> day = ParseDay(text);
    ASSERT_TRUE(day.has_value()) << text;
    EXPECT_EQ(FormatDay(*day), text);
  }
}

TEST(CivilTimeTest, RejectsDaysThatDoNotExist) {
  EXPECT_FALSE(ParseDay("2026-02-29").has_value());  // 2026 is not a leap year.
  EXPECT_TRUE(ParseDay("2028-02-29").has_value());
  EXPECT_FALSE(ParseDay("2026-02-30").has_value());
  EXPECT_FALSE(ParseDay("2026-13-01").has_value());
  EXPECT_FALSE(ParseDay("2026-00-10").has_value());
  EXPECT_FALSE(ParseDay("2026-04-31").has_value());
}

TEST(CivilTimeTest, RejectsMalformedDays) {
  EXPECT_FALSE(ParseDay("").has_value());
  EXPECT_FALSE(ParseDay("2026-2-01").has_value());
  EXPECT_FALSE(ParseDay("2026/12/01").has_value());
  EXPECT_FALSE(ParseDay("2026-12-01x").has_value());
  EXPECT_FALSE(ParseDay(" 2026-12-01").has_value());
  EXPECT_FALSE(ParseDay("2026-12-01T00:00:00Z").has_value());
}

TEST(CivilTimeTest, ParsesUtcInstants) {
  // 2026-11-23 is day 20780; 8 hours later.
  EXPECT_EQ(ParseInstant("2026-11-23T08:00:00Z"), Instant{20780 * kMsPerDay + 8 * 3'600'000});
  EXPECT_EQ(ParseInstant("1970-01-01T00:00:00Z"), Instant{0});
  EXPECT_EQ(ParseInstant("1970-01-01t00:00:01z"), Instant{1000});
}

TEST(CivilTimeTest, ParsesFractionsAndOffsets) {
  EXPECT_EQ(ParseInstant("1970-01-01T00:00:00.5Z"), Instant{500});
  EXPECT_EQ(ParseInstant("1970-01-01T00:00:00.123456Z"), Instant{123});
  EXPECT_EQ(ParseInstant("2026-11-23T11:00:00+03:00"), ParseInstant("2026-11-23T08:00:00Z"));
  EXPECT_EQ(ParseInstant("2026-11-22T23:30:00-08:30"), ParseInstant("2026-11-23T08:00:00Z"));
}

TEST(CivilTimeTest, RejectsMalformedInstants) {
  EXPECT_FALSE(ParseInstant("2026-11-23").has_value());
  EXPECT_FALSE(ParseInstant("2026-11-23T08:00:00").has_value());  // No zone.
  EXPECT_FALSE(ParseInstant("2026-11-23T24:00:00Z").has_value());
  EXPECT_FALSE(ParseInstant("2026-11-23T08:60:00Z").has_value());
  EXPECT_FALSE(ParseInstant("2026-11-23T08:00:00.Z").has_value());
  EXPECT_FALSE(ParseInstant("2026-11-23T08:00:00Zjunk").has_value());
  EXPECT_FALSE(ParseInstant("2026-02-30T08:00:00Z").has_value());
}

TEST(CivilTimeTest, FormatsInstantsWithMilliseconds) {
  EXPECT_EQ(FormatInstant(Instant{0}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatInstant(*ParseInstant("2026-11-23T08:00:00.25Z")), "2026-11-23T08:00:00.250Z");
  EXPECT_EQ(FormatInstant(Instant{-1}), "1969-12-31T23:59:59.999Z");
}

TEST(CivilTimeTest, DayOfAndStartOf) {
  EXPECT_EQ(DayOf(Instant{0}), Day{0});
  EXPECT_EQ(DayOf(Instant{kMsPerDay - 1}), Day{0});
  EXPECT_EQ(DayOf(Instant{kMsPerDay}), Day{1});
  EXPECT_EQ(DayOf(Instant{-1}), Day{-1});
  EXPECT_EQ(DayOf(Instant{-kMsPerDay}), Day{-1});
  EXPECT_EQ(StartOf(Day{20788}), *ParseInstant("2026-12-01T00:00:00Z"));
  EXPECT_EQ(DayOf(*ParseInstant("2026-12-01T23:59:59.999Z")), *ParseDay("2026-12-01"));
}

}  // namespace
}  // namespace subex
