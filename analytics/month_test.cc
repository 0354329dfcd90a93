#include "analytics/month.h"

#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

TEST(MonthTest, DaysFallInTheirMonth) {
  EXPECT_EQ(MonthOf(D("1970-01-01")).value, 0);
  EXPECT_EQ(MonthOf(D("1969-12-31")).value, -1);
  const Month feb = MonthOf(D("2028-02-15"));
  EXPECT_EQ(FirstDay(feb), D("2028-02-01"));
  EXPECT_EQ(LastDay(feb), D("2028-02-29"));
  EXPECT_EQ(DaysIn(feb), 29);
  EXPECT_EQ(MonthOf(D("2026-12-31")) + 1, MonthOf(D("2027-01-01")));
}

TEST(MonthTest, ParsesAndFormatsYearAndMonth) {
  std::optional<Month> m = ParseMonth("2026-06");
  ASSERT_TRUE(m);
  EXPECT_EQ(FirstDay(*m), D("2026-06-01"));
  EXPECT_EQ(FormatMonth(*m), "2026-06");
  for (const char* bad : {"2026-13", "2026-00", "2026-6", "2026/06", "2026-06-01", "", "abcd-ef"}) {
    EXPECT_FALSE(ParseMonth(bad)) << bad;
  }
}

}  // namespace
}  // namespace subex
