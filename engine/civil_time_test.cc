// Specification of civil time: days as YYYY-MM-DD (UTC), instants as RFC 3339, and the day an
// instant falls on.

#include "engine/civil_time.h"

#include <climits>
#include <cstdio>
#include <string>

#include "absl/time/civil_time.h"

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

// Every day of 1600..2400 (three leap-century rules), every 97th day of the other four-digit
// years, and days far beyond them either way agree with Abseil's civil calendar.
TEST(CivilTimeTest, FormatDayAgreesWithTheCivilCalendarEverywhere) {
  const absl::CivilDay epoch(1970, 1, 1);
  auto reference = [&](int32_t v) {
    const absl::CivilDay d = epoch + v;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(d.year()), d.month(),
                  d.day());
    return std::string(buf);
  };
  const int32_t first = *ParseDay("0000-01-01") - Day{0}, last = *ParseDay("9999-12-31") - Day{0};
  const int32_t dense_from = *ParseDay("1600-01-01") - Day{0};
  const int32_t dense_to = *ParseDay("2400-12-31") - Day{0};
  for (int32_t v = first - 800; v <= last + 800; v += (v >= dense_from && v <= dense_to) ? 1 : 97) {
    ASSERT_EQ(FormatDay(Day{v}), reference(v)) << v;
  }
  for (int32_t v : {INT32_MIN, INT32_MIN + 1, -1'000'000'000, 1'000'000'000, INT32_MAX}) {
    EXPECT_EQ(FormatDay(Day{v}), reference(v)) << v;
  }
  std::string out = "x";
  AppendDay(out, Day{20788});
  EXPECT_EQ(out, "x2026-12-01");
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
