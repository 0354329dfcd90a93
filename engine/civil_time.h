// Civil time — parsing and formatting of the engine's days and instants.
//
// Days are `YYYY-MM-DD` (UTC); instants are RFC 3339 UTC (`2026-12-01T09:30:00Z`, with optional
// fractional seconds and a numeric offset on input, always `Z` with milliseconds on output).
// Pure functions: they never read a clock. Safe for concurrent use.

#ifndef SUBEX_ENGINE_CIVIL_TIME_H_
#define SUBEX_ENGINE_CIVIL_TIME_H_

#include <optional>
#include <string>
#include <string_view>

#include "engine/units.h"

namespace subex {

std::optional<Day> ParseDay(std::string_view text);
std::string FormatDay(Day day);
// Appends FormatDay(day) to `out` (the hot path of writing answers: no temporary string).
void AppendDay(std::string& out, Day day);

std::optional<Instant> ParseInstant(std::string_view text);
std::string FormatInstant(Instant t);

}  // namespace subex

#endif  // SUBEX_ENGINE_CIVIL_TIME_H_
