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

std::string FormatDay(Day day) {
  absl::CivilDay d = kEpoch + day.value;
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", static_cast<int>(d.year()), d.month(),
                d.day());
  return buf;
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
