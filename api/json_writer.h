// JsonWriter — builds one JSON text into a std::string, for response bodies.
//
// The writer places commas and colons itself; the caller only says what comes next. Every string
// is escaped (`"`, `\`, control characters as \u00XX) and UTF-8 passes through unchanged, so
// member names in Cyrillic read as they were written; a byte sequence that is not UTF-8 is
// replaced by U+FFFD rather than ever producing invalid output. Numbers never come out as NaN or
// Inf: a non-finite double is written as null. Money is written from integer kopecks as a decimal
// with exactly two fraction digits, so it never passes through a double.
//
//   JsonWriter w;
//   w.BeginObject()
//       .KeyString("id", "o_3f9a2kq")
//       .KeyMoney("max_unit_price", 350000)  // "max_unit_price":3500.00
//       .Key("days").BeginArray().Day(Day{20788}).EndArray()
//       .EndObject();
//   std::string body = std::move(w).Take();
//
// Misuse (a value where a key is due, unbalanced End*) is a programming error caught by assert.
// A JsonWriter requires external synchronization; separate writers are independent.

#ifndef SUBEX_API_JSON_WRITER_H_
#define SUBEX_API_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/units.h"

namespace subex {

class JsonWriter {
 public:
  JsonWriter() = default;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();

  // The name of the next member of the enclosing object.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view text);
  JsonWriter& Int(int64_t value);
  // The shortest text that reads back as the same double; null when not finite.
  JsonWriter& Double(double value);
  // `digits` fraction digits (0..17), rounded; null when not finite.
  JsonWriter& Fixed(double value, int digits);
  // Kopecks as roubles with exactly two fraction digits: 350000 → 3500.00, -5 → -0.05.
  JsonWriter& Money(Kopecks value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A complete, already rendered JSON value, inserted as it is.
  JsonWriter& Raw(std::string_view json);
  // "YYYY-MM-DD".
  JsonWriter& Day(subex::Day day);
  // RFC 3339 UTC: "2026-11-23T10:00:00Z", with ".123" only when the milliseconds are not zero.
  JsonWriter& Instant(subex::Instant t);

  JsonWriter& KeyString(std::string_view name, std::string_view text);
  JsonWriter& KeyInt(std::string_view name, int64_t value);
  JsonWriter& KeyDouble(std::string_view name, double value);
  JsonWriter& KeyFixed(std::string_view name, double value, int digits);
  JsonWriter& KeyMoney(std::string_view name, Kopecks value);
  JsonWriter& KeyBool(std::string_view name, bool value);
  JsonWriter& KeyNull(std::string_view name);
  JsonWriter& KeyRaw(std::string_view name, std::string_view json);
  JsonWriter& KeyDay(std::string_view name, subex::Day day);
  JsonWriter& KeyInstant(std::string_view name, subex::Instant t);

  // The text so far; a complete JSON value once every Begin* has its End*.
  const std::string& str() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  enum class Scope : uint8_t { kObject, kArray };

  // Emits the comma a value or key needs and checks it is allowed here.
  void BeforeValue();

  std::string out_;
  std::vector<Scope> scopes_;
  bool first_in_scope_ = true;  // No member or item yet in the innermost scope.
  bool after_key_ = false;      // A key was written and awaits its value.
};

// `text` as a JSON string literal, quotes included, escaped as JsonWriter::String does.
void AppendJsonString(std::string& out, std::string_view text);

// Kopecks as a JSON number with exactly two fraction digits ("3500.00", "-0.05").
std::string FormatMoney(Kopecks value);

// RFC 3339 UTC with milliseconds only when they are not zero ("2026-11-23T10:00:00Z").
std::string FormatRfc3339(subex::Instant t);

}  // namespace subex

#endif  // SUBEX_API_JSON_WRITER_H_
