#include "engine/civil_time.h"

#include <cstdio>

#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"

namespace subex {
namespace {

const absl::CivilDay kEpoch(1970, 1, 1);

bool TakeDigits(std::string_view& s, size_t n, int& out) {
  if (s.size() < n) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  s.remove_prefix(n);
  return true;
}

bool TakeChar(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// Parses `YYYY-MM-DD` from the front of `s`; rejects dates that do not exist (2026-02-30).
std::optional<absl::CivilDay> TakeDate(std::string_view& s) {
  int y, m, d;
  if (!TakeDigits(s, 4, y) || !TakeChar(s, '-') || !TakeDigits(s, 2, m) || !TakeChar(s, '-') ||
      !TakeDigits(s, 2, d)) {
    return std::nullopt;
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) return std::nullopt;
  return day;
}

}  // namespace

std::optional<Day> ParseDay(std::string_view text) {
  std::optional<absl::CivilDay> day = TakeDate(text);
  if (!day || !text.empty()) return std::nullopt;
  return Day{static_cast<int32_t>(*day - kEpoch)};
}

void AppendDay(std::string& out, Day day) {
  // Days to civil date (H. Hinnant's days_from_civil inverted): exact for every int32 day.
  const int64_t z = int64_t{day.value} + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 0 || y > 9999) {  // Outside four digits: rare, and printf pads and signs it.
    char buf[32];
    const int n = std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y),
                                m, d);
    out.append(buf, static_cast<size_t>(n));
    return;
  }
  const char text[10] = {static_cast<char>('0' + y / 1000),     static_cast<char>('0' + y / 100 % 10),
                         static_cast<char>('0' + y / 10 % 10),  static_cast<char>('0' + y % 10),
                         '-',
                         static_cast<char>('0' + m / 10),       static_cast<char>('0' + m % 10),
                         '-',
                         static_cast<char>('0' + d / 10),       static_cast<char>('0' + d % 10)};
  out.append(text, sizeof text);
}

std::string FormatDay(Day day) {
  std::string out;
  AppendDay(out, day);
  return out;
}

std::optional<Instant> ParseInstant(std::string_view text) {
  std::optional<absl::CivilDay> day = TakeDate(text);
  int hh, mm, ss;
  if (!day || !(TakeChar(text, 'T') || TakeChar(text, 't')) || !TakeDigits(text, 2, hh) ||
      !TakeChar(text, ':') || !TakeDigits(text, 2, mm) || !TakeChar(text, ':') ||
      !TakeDigits(text, 2, ss) || hh > 23 || mm > 59 || ss > 60) {
    return std::nullopt;
  }
  int64_t ms = 0;
  if (TakeChar(text, '.')) {
    int digits = 0;
    while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
      if (digits < 3) ms = ms * 10 + (text.front() - '0');
      ++digits;
      text.remove_prefix(1);
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 3; ++i) ms *= 10;
  }
  int64_t offset_min = 0;
  if (TakeChar(text, 'Z') || TakeChar(text, 'z')) {
  } else if (!text.empty() && (text.front() == '+' || text.front() == '-')) {
    int sign = text.front() == '+' ? 1 : -1;
    text.remove_prefix(1);
    int oh, om;
    if (!TakeDigits(text, 2, oh) || !TakeChar(text, ':') || !TakeDigits(text, 2, om) ||
        oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_min = sign * (oh * 60 + om);
  } else {
    return std::nullopt;
  }
  if (!text.empty()) return std::nullopt;
  if (ss == 60) ss = 59;  // A leap second is held at the last ordinary second.
  int64_t days = *day - kEpoch;
  int64_t seconds = days * 86400 + hh * 3600 + mm * 60 + ss - offset_min * 60;
  return Instant{seconds * 1000 + ms};
}

std::string FormatInstant(Instant t) {
  Day day = DayOf(t);
  int64_t ms_of_day = t.unix_ms - StartOf(day).unix_ms;
  int64_t s = ms_of_day / 1000;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d.%03dZ", FormatDay(day).c_str(),
                static_cast<int>(s / 3600), static_cast<int>(s / 60 % 60),
                static_cast<int>(s % 60), static_cast<int>(ms_of_day % 1000));
  return buf;
}

}  // namespace subex
