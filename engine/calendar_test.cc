// Specification of CapacityCalendar: free capacity per day, planning latest days first, and
// taking / giving back exactly what was planned.

#include "engine/calendar.h"

#include <vector>

#include "engine/domain.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

TEST(CalendarTest, StartsWithDailyCapacityOnEveryDay) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-10"), 8);
  EXPECT_EQ(cal.from(), D("2026-12-01"));
  EXPECT_EQ(cal.to(), D("2026-12-10"));
  EXPECT_EQ(cal.free_total(), 80);
  EXPECT_EQ(cal.free_on(D("2026-12-01")), 8);
  EXPECT_EQ(cal.free_on(D("2026-12-10")), 8);
  EXPECT_EQ(cal.free_days().size(), 10u);
}

TEST(CalendarTest, DaysOutsideHaveNothingFree) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-10"), 8);
  EXPECT_EQ(cal.free_on(D("2026-11-30")), 0);
  EXPECT_EQ(cal.free_on(D("2026-12-11")), 0);
}

TEST(CalendarTest, FreeInClipsToTheCalendar) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-10"), 8);
  EXPECT_EQ(cal.FreeIn(D("2026-12-03"), D("2026-12-05")), 24);
  EXPECT_EQ(cal.FreeIn(D("2026-11-20"), D("2026-12-02")), 16);
  EXPECT_EQ(cal.FreeIn(D("2026-12-09"), D("2026-12-31")), 16);
  EXPECT_EQ(cal.FreeIn(D("2026-12-05"), D("2026-12-04")), 0);  // Empty range.
  EXPECT_EQ(cal.FreeIn(D("2026-12-11"), D("2026-12-20")), 0);  // Entirely after.
}

TEST(CalendarTest, PlanLatestTakesTheLatestDaysAndListsThemAscending) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-10"), 8);
  std::vector<DayQuantity> days;
  cal.PlanLatest(D("2026-12-01"), D("2026-12-08"), 20, days);
  EXPECT_EQ(days, (std::vector<DayQuantity>{
                      {D("2026-12-06"), 4}, {D("2026-12-07"), 8}, {D("2026-12-08"), 8}}));
  EXPECT_EQ(cal.free_total(), 80) << "planning changes nothing";
}

TEST(CalendarTest, PlanLatestSkipsDaysWithNothingFree) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-05"), 8);
  cal.Take(std::vector<DayQuantity>{{D("2026-12-05"), 8}, {D("2026-12-04"), 3}});
  std::vector<DayQuantity> days;
  cal.PlanLatest(D("2026-12-01"), D("2026-12-05"), 10, days);
  EXPECT_EQ(days, (std::vector<DayQuantity>{{D("2026-12-03"), 5}, {D("2026-12-04"), 5}}));
}

TEST(CalendarTest, PlanLatestAppendsAfterWhatIsThere) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-05"), 8);
  std::vector<DayQuantity> days = {{D("2026-01-01"), 1}};
  cal.PlanLatest(D("2026-12-01"), D("2026-12-05"), 9, days);
  EXPECT_EQ(days, (std::vector<DayQuantity>{
                      {D("2026-01-01"), 1}, {D("2026-12-04"), 1}, {D("2026-12-05"), 8}}));
}

TEST(CalendarTest, TakeAndGiveMoveCapacityBothWays) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-03"), 8);
  std::vector<DayQuantity> days = {{D("2026-12-02"), 5}, {D("2026-12-03"), 8}};
  cal.Take(days);
  EXPECT_EQ(cal.free_total(), 11);
  EXPECT_EQ(cal.free_on(D("2026-12-01")), 8);
  EXPECT_EQ(cal.free_on(D("2026-12-02")), 3);
  EXPECT_EQ(cal.free_on(D("2026-12-03")), 0);
  cal.Give(days);
  EXPECT_EQ(cal.free_total(), 24);
  EXPECT_EQ(cal.free_on(D("2026-12-03")), 8);
}

TEST(CalendarTest, ReleaseLeavesNothingFree) {
  CapacityCalendar cal(D("2026-12-01"), D("2026-12-03"), 8);
  cal.Release();
  EXPECT_EQ(cal.free_total(), 0);
  EXPECT_EQ(cal.free_on(D("2026-12-02")), 0);
  EXPECT_EQ(cal.FreeIn(D("2026-12-01"), D("2026-12-03")), 0);
}

}  // namespace
}  // namespace subex
