#include "analytics/month.h"

#include <cstdio>

#include "absl/time/civil_time.h"

namespace subex {
namespace {

const absl::CivilDay kEpochDay(1970, 1, 1);
const absl::CivilMonth kEpochMonth(1970, 1);

}  // namespace

Month MonthOf(Day day) {
  return Month{static_cast<int32_t>(absl::CivilMonth(kEpochDay + day.value) - kEpochMonth)};
}

Day FirstDay(Month m) {
  return Day{static_cast<int32_t>(absl::CivilDay(kEpochMonth + m.value) - kEpochDay)};
}

Day LastDay(Month m) { return FirstDay(m + 1) - 1; }

int32_t DaysIn(Month m) { return FirstDay(m + 1) - FirstDay(m); }

std::optional<Month> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  int year = 0, month = 0;
  for (size_t i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    (i < 4 ? year : month) = (i < 4 ? year : month) * 10 + (text[i] - '0');
  }
  if (month < 1 || month > 12) return std::nullopt;
  return Month{static_cast<int32_t>(absl::CivilMonth(year, month) - kEpochMonth)};
}

std::string FormatMonth(Month m) {
  const absl::CivilMonth c = kEpochMonth + m.value;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(c.year()), c.month());
  return buf;
}

}  // namespace subex
