// Month — a calendar month (UTC), the unit of the analytics' monthly observations.
//
// Months are counted from 1970-01 (month 0), so consecutive months are consecutive numbers and a
// period of months is a range. Written "YYYY-MM".
//
//   Month m = MonthOf(day);             // The month a day falls in.
//   Day first = FirstDay(m), last = LastDay(m);
//   std::optional<Month> june = ParseMonth("2026-06");
//
// Plain values and pure functions; safe for concurrent use.

#ifndef SUBEX_ANALYTICS_MONTH_H_
#define SUBEX_ANALYTICS_MONTH_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "engine/units.h"

namespace subex {

struct Month {
  int32_t value = 0;  // Months since 1970-01.
  friend constexpr auto operator<=>(Month, Month) = default;
  constexpr Month operator+(int32_t n) const { return Month{value + n}; }
  constexpr int32_t operator-(Month other) const { return value - other.value; }
};

Month MonthOf(Day day);
Day FirstDay(Month m);
Day LastDay(Month m);
int32_t DaysIn(Month m);

// "YYYY-MM" with a month 01–12 and a year 0000–9999; nullopt otherwise.
std::optional<Month> ParseMonth(std::string_view text);
std::string FormatMonth(Month m);

}  // namespace subex

#endif  // SUBEX_ANALYTICS_MONTH_H_
