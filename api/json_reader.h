// JSON reader — strict reading of request bodies (PRODUCT §6).
//
// A body is read in two steps. `ParseJsonObject` turns it into a small tree and enforces the
// rules of the JSON text itself; any breach is a 400 problem: not JSON (simdjson On-Demand
// decides, numbers checked against the JSON grammar), not an object at the top, bytes after the
// object, nesting deeper than `JsonLimits::max_depth`, or a key repeated within one object.
// `FieldReader` then converts the tree's values into the engine's types, collecting one 422
// `FieldError` per bad field (all of them, not just the first) under JSON-path-like names:
// "needs.max_length_mm", "location.lat", "tags[2]".
//
//   std::variant<JsonValue, Problem> parsed = ParseJsonObject(body);
//   if (auto* p = std::get_if<Problem>(&parsed)) return *p;            // 400
//   const JsonValue& root = std::get<JsonValue>(parsed);
//   FieldReader r;
//   std::optional<Kopecks> price = r.Money(*root.Find("unit_price"), "unit_price");
//   if (!r.ok()) return Unprocessable(std::move(r).Take());           // 422
//
// Conversions are exact and strict:
//  - Money is roubles as a JSON number, converted to kopecks from the number's text, never
//    through a double: 3500, 3500.5 and 3500.50 are accepted, and so is any spelling of a whole
//    number of kopecks (3500.500, 3.5e3); 3500.001, negatives and values beyond int64 are not.
//  - Integers (quantities, capacities, lots) must be written as integers: 1.5, 240.0 and 1e3 are
//    rejected, so nothing is silently truncated or rounded.
//  - Dates are "YYYY-MM-DD" of a day that exists; instants are RFC 3339 (engine/civil_time.h).
//  - Strings are UTF-8 (simdjson rejects anything else) of at most a byte limit.
//  - null is nobody's value: an optional field is left out, not sent as null.
//
// The body is copied into a buffer with simdjson's padding (bodies are small and bounded by the
// server's size limit, so one copy is cheaper than asking every caller for padded storage).
// Pure functions and plain values; a FieldReader requires external synchronization.

#ifndef SUBEX_API_JSON_READER_H_
#define SUBEX_API_JSON_READER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/problem.h"
#include "engine/commands.h"
#include "engine/units.h"

namespace subex {

// One JSON value of a parsed body. Objects keep their members in the order written.
struct JsonValue {
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

  Type type = Type::kNull;
  bool boolean = false;
  std::string text;               // A string's contents, or a number exactly as written.
  std::vector<std::string> keys;  // An object's keys, one per item.
  std::vector<JsonValue> items;   // An array's items, or an object's member values.

  // The member named `key` of an object, or nullptr.
  const JsonValue* Find(std::string_view key) const;
};

struct JsonLimits {
  int max_depth = 8;  // The top-level object is depth 1.
};

// The body as a JSON object, or a 400 problem saying what is wrong with the text.
std::variant<JsonValue, Problem> ParseJsonObject(std::string_view body,
                                                 const JsonLimits& limits = {});

// "parent.key", or "key" at the top.
std::string JoinPath(std::string_view parent, std::string_view key);
// "path[index]".
std::string IndexPath(std::string_view path, size_t index);

// Roubles written as a JSON number (its text as in the body) in kopecks, or the reason it is not
// an exact, non-negative amount that fits.
std::variant<Kopecks, std::string> ParseMoneyToken(std::string_view token);

// Converts values of a parsed body, recording one FieldError per value that does not convert.
// Each conversion returns nullopt exactly when it recorded an error.
class FieldReader {
 public:
  // Of any string, in characters: the largest limit the configuration may set on a text (the
  // engine checks the configured ones, engine/validation.h).
  static constexpr size_t kMaxStringCharacters = 65'536;

  std::optional<std::string> String(const JsonValue& v, std::string_view path,
                                    size_t max_characters = kMaxStringCharacters);
  // One of `allowed` (e.g. {"auto", "rfq"}): its index.
  std::optional<size_t> Enum(const JsonValue& v, std::string_view path,
                             const std::vector<std::string_view>& allowed);
  std::optional<int64_t> Integer(const JsonValue& v, std::string_view path, int64_t min,
                                 int64_t max);
  std::optional<double> Number(const JsonValue& v, std::string_view path);
  std::optional<Kopecks> Money(const JsonValue& v, std::string_view path);
  std::optional<bool> Bool(const JsonValue& v, std::string_view path);
  std::optional<Day> Date(const JsonValue& v, std::string_view path);
  std::optional<Instant> Time(const JsonValue& v, std::string_view path);
  // An array of strings; each bad item is its own error ("tags[2]").
  std::optional<std::vector<std::string>> Strings(const JsonValue& v, std::string_view path,
                                                  size_t max_characters = kMaxStringCharacters);
  // An object of name → number ("needs": {"max_length_mm": 900}), in the order written.
  std::optional<NamedValues> NamedNumbers(const JsonValue& v, std::string_view path);
  // {"lat": number, "lon": number}; other keys are the caller's 400 to report.
  std::optional<GeoPoint> Location(const JsonValue& v, std::string_view path);

  void Add(std::string field, std::string reason);
  bool ok() const { return errors_.empty(); }
  const std::vector<FieldError>& errors() const { return errors_; }
  std::vector<FieldError> Take() && { return std::move(errors_); }

 private:
  bool Expect(const JsonValue& v, JsonValue::Type type, std::string_view path,
              std::string_view reason);

  std::vector<FieldError> errors_;
};

}  // namespace subex

#endif  // SUBEX_API_JSON_READER_H_
