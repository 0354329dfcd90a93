#include "api/json_reader.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "engine/civil_time.h"
#include "engine/validation.h"
#include "simdjson.h"

namespace subex {
namespace {

namespace od = simdjson::ondemand;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimTrailingSpace(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// RFC 8259 §6: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && IsDigit(s[i])) ++i;
    return i - start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (digits() == 0) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == s.size();
}

// A key as it may appear in a field name: long keys are cut so a problem stays small.
std::string ShownKey(std::string_view key) {
  constexpr size_t kMax = 64;
  if (key.size() <= kMax) return std::string(key);
  return absl::StrCat(absl::string_view(key.data(), kMax), "...");
}

// Builds the tree from simdjson's On-Demand values, checking depth and duplicate keys.
class TreeBuilder {
 public:
  explicit TreeBuilder(const JsonLimits& limits) : limits_(limits) {}

  // The problem that stopped the build, if any.
  std::optional<Problem>& problem() { return problem_; }

  bool Object(od::object object, int depth, const std::string& path, JsonValue& out) {
    out.type = JsonValue::Type::kObject;
    absl::flat_hash_set<std::string> seen;
    for (auto member : object) {
      od::field field;
      std::string_view key;
      if (Fail(std::move(member).get(field)) || Fail(field.unescaped_key().get(key))) return false;
      std::string child_path = JoinPath(path, ShownKey(key));
      if (!seen.insert(std::string(key)).second) {
        problem_ = BadRequest("the body repeats a key", {{child_path, "duplicate key"}});
        return false;
      }
      out.keys.emplace_back(key);
      out.items.emplace_back();
      if (!Value(field.value(), depth + 1, child_path, out.items.back())) return false;
    }
    return true;
  }

 private:
  bool Value(od::value v, int depth, const std::string& path, JsonValue& out) {
    od::json_type type;
    if (Fail(v.type().get(type))) return false;
    switch (type) {
      case od::json_type::object:
      case od::json_type::array: {
        if (depth > limits_.max_depth) {
          problem_ =
              BadRequest(absl::StrCat("the body nests deeper than ", limits_.max_depth, " levels"),
                         {{path, "nested too deeply"}});
          return false;
        }
        if (type == od::json_type::array) return Array(v, depth, path, out);
        od::object object;
        return !Fail(v.get_object().get(object)) && Object(object, depth, path, out);
      }
      case od::json_type::number: {
        std::string_view token = TrimTrailingSpace(v.raw_json_token());
        if (!IsJsonNumber(token)) return Malformed();
        out.type = JsonValue::Type::kNumber;
        out.text = std::string(token);
        return true;
      }
      case od::json_type::string: {
        std::string_view text;
        if (Fail(v.get_string().get(text))) return false;
        out.type = JsonValue::Type::kString;
        out.text = std::string(text);
        return true;
      }
      case od::json_type::boolean:
        out.type = JsonValue::Type::kBool;
        return !Fail(v.get_bool().get(out.boolean));
      case od::json_type::null: {
        bool is_null = false;
        if (Fail(v.is_null().get(is_null))) return false;
        if (!is_null) return Malformed();
        out.type = JsonValue::Type::kNull;
        return true;
      }
    }
    return Malformed();
  }

  bool Array(od::value v, int depth, const std::string& path, JsonValue& out) {
    out.type = JsonValue::Type::kArray;
    od::array array;
    if (Fail(v.get_array().get(array))) return false;
    for (auto element : array) {
      od::value item;
      if (Fail(std::move(element).get(item))) return false;
      out.items.emplace_back();
      if (!Value(item, depth + 1, IndexPath(path, out.items.size() - 1), out.items.back())) {
        return false;
      }
    }
    return true;
  }

  bool Fail(simdjson::error_code e) {
    if (e == simdjson::SUCCESS) return false;
    Malformed();
    return true;
  }

  bool Malformed() {
    problem_ = BadRequest("the body is not valid JSON");
    return false;
  }

  const JsonLimits& limits_;
  std::optional<Problem> problem_;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (keys[i] == key) return &items[i];
  }
  return nullptr;
}

std::string JoinPath(std::string_view parent, std::string_view key) {
  if (parent.empty()) return std::string(key);
  return absl::StrCat(absl::string_view(parent.data(), parent.size()), ".",
                      absl::string_view(key.data(), key.size()));
}

std::string IndexPath(std::string_view path, size_t index) {
  return absl::StrCat(absl::string_view(path.data(), path.size()), "[", index, "]");
}

std::variant<JsonValue, Problem> ParseJsonObject(std::string_view body, const JsonLimits& limits) {
  simdjson::padded_string padded(body);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) {
    return BadRequest("the body is not valid JSON");
  }
  od::json_type type;
  if (doc.type().get(type) != simdjson::SUCCESS) return BadRequest("the body is not valid JSON");
  if (type != od::json_type::object) return BadRequest("the body must be a JSON object");
  od::object object;
  if (doc.get_object().get(object) != simdjson::SUCCESS) {
    return BadRequest("the body is not valid JSON");
  }
  TreeBuilder builder(limits);
  JsonValue root;
  if (!builder.Object(object, 1, "", root)) return std::move(*builder.problem());
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    return BadRequest("the body continues after its JSON object");
  }
  return root;
}

std::variant<Kopecks, std::string> ParseMoneyToken(std::string_view token) {
  static const std::string kDecimals = "must be an amount in roubles with at most two decimals";
  static const std::string kTooLarge = "is too large";
  if (!IsJsonNumber(token)) return kDecimals;
  bool negative = token.front() == '-';
  if (negative) token.remove_prefix(1);
  // Split into the significant digits and the power of ten that scales them to kopecks.
  std::string digits;
  int64_t scale = 2;
  size_t i = 0;
  for (; i < token.size() && IsDigit(token[i]); ++i) digits.push_back(token[i]);
  if (i < token.size() && token[i] == '.') {
    for (++i; i < token.size() && IsDigit(token[i]); ++i) {
      digits.push_back(token[i]);
      --scale;
    }
  }
  if (i < token.size()) {  // An exponent: [eE][+-]?digits.
    ++i;
    bool exp_negative = token[i] == '-';
    if (token[i] == '+' || token[i] == '-') ++i;
    int64_t exponent = 0;
    for (; i < token.size(); ++i) {
      exponent = std::min<int64_t>(exponent * 10 + (token[i] - '0'), 1'000'000);
    }
    scale += exp_negative ? -exponent : exponent;
  }
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return Kopecks{0};  // Zero, however written (also -0).
  digits.erase(0, first);
  while (scale < 0 && digits.back() == '0') {
    digits.pop_back();
    ++scale;
  }
  if (scale < 0) return kDecimals;
  if (negative) return std::string("must not be negative");
  if (digits.size() + static_cast<size_t>(scale) > 19) return kTooLarge;
  uint64_t value = 0;
  for (char c : digits) value = value * 10 + static_cast<uint64_t>(c - '0');
  for (int64_t k = 0; k < scale; ++k) value *= 10;
  if (value > static_cast<uint64_t>(std::numeric_limits<Kopecks>::max())) return kTooLarge;
  return static_cast<Kopecks>(value);
}

void FieldReader::Add(std::string field, std::string reason) {
  errors_.push_back({std::move(field), std::move(reason)});
}

bool FieldReader::Expect(const JsonValue& v, JsonValue::Type type, std::string_view path,
                         std::string_view reason) {
  if (v.type == type) return true;
  Add(std::string(path), std::string(reason));
  return false;
}

std::optional<std::string> FieldReader::String(const JsonValue& v, std::string_view path,
                                               size_t max_characters) {
  if (!Expect(v, JsonValue::Type::kString, path, "must be a string")) return std::nullopt;
  if (v.text.size() > max_characters && Characters(v.text) > max_characters) {
    Add(std::string(path), absl::StrCat("must be at most ", max_characters, " characters"));
    return std::nullopt;
  }
  return v.text;
}

std::optional<size_t> FieldReader::Enum(const JsonValue& v, std::string_view path,
                                        const std::vector<std::string_view>& allowed) {
  std::string choices;
  for (size_t i = 0; i < allowed.size(); ++i) {
    if (v.type == JsonValue::Type::kString && v.text == allowed[i]) return i;
    absl::StrAppend(&choices,
                    i == 0                    ? ""
                    : i + 1 == allowed.size() ? " or "
                                              : ", ",
                    absl::string_view(allowed[i].data(), allowed[i].size()));
  }
  Add(std::string(path), absl::StrCat("must be ", choices));
  return std::nullopt;
}

std::optional<int64_t> FieldReader::Integer(const JsonValue& v, std::string_view path, int64_t min,
                                            int64_t max) {
  std::string reason = absl::StrCat("must be an integer from ", min, " to ", max);
  if (!Expect(v, JsonValue::Type::kNumber, path, reason)) return std::nullopt;
  int64_t value = 0;
  const char* end = v.text.data() + v.text.size();
  auto [ptr, ec] = std::from_chars(v.text.data(), end, value);
  if (ec != std::errc() || ptr != end || value < min || value > max) {
    Add(std::string(path), std::move(reason));
    return std::nullopt;
  }
  return value;
}

std::optional<double> FieldReader::Number(const JsonValue& v, std::string_view path) {
  if (!Expect(v, JsonValue::Type::kNumber, path, "must be a number")) return std::nullopt;
  double value = 0;
  const char* end = v.text.data() + v.text.size();
  auto [ptr, ec] = std::from_chars(v.text.data(), end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) {
    Add(std::string(path), "is out of range");
    return std::nullopt;
  }
  return value;
}

std::optional<Kopecks> FieldReader::Money(const JsonValue& v, std::string_view path) {
  if (!Expect(v, JsonValue::Type::kNumber, path, "must be a number (roubles)")) {
    return std::nullopt;
  }
  std::variant<Kopecks, std::string> money = ParseMoneyToken(v.text);
  if (auto* reason = std::get_if<std::string>(&money)) {
    Add(std::string(path), std::move(*reason));
    return std::nullopt;
  }
  return std::get<Kopecks>(money);
}

std::optional<bool> FieldReader::Bool(const JsonValue& v, std::string_view path) {
  if (!Expect(v, JsonValue::Type::kBool, path, "must be true or false")) return std::nullopt;
  return v.boolean;
}

std::optional<Day> FieldReader::Date(const JsonValue& v, std::string_view path) {
  static constexpr std::string_view kReason = "must be a date written YYYY-MM-DD";
  if (!Expect(v, JsonValue::Type::kString, path, kReason)) return std::nullopt;
  std::optional<Day> day = ParseDay(v.text);
  if (!day) Add(std::string(path), std::string(kReason));
  return day;
}

std::optional<Instant> FieldReader::Time(const JsonValue& v, std::string_view path) {
  static constexpr std::string_view kReason =
      "must be an RFC 3339 date and time such as 2026-12-01T09:30:00Z";
  if (!Expect(v, JsonValue::Type::kString, path, kReason)) return std::nullopt;
  std::optional<Instant> t = ParseInstant(v.text);
  if (!t) Add(std::string(path), std::string(kReason));
  return t;
}

std::optional<std::vector<std::string>> FieldReader::Strings(const JsonValue& v,
                                                             std::string_view path,
                                                             size_t max_characters) {
  if (!Expect(v, JsonValue::Type::kArray, path, "must be an array of strings")) {
    return std::nullopt;
  }
  size_t before = errors_.size();
  std::vector<std::string> out;
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (std::optional<std::string> s = String(v.items[i], IndexPath(path, i), max_characters)) {
      out.push_back(std::move(*s));
    }
  }
  if (errors_.size() != before) return std::nullopt;
  return out;
}

std::optional<NamedValues> FieldReader::NamedNumbers(const JsonValue& v, std::string_view path) {
  if (!Expect(v, JsonValue::Type::kObject, path, "must be an object of names and numbers")) {
    return std::nullopt;
  }
  size_t before = errors_.size();
  NamedValues out;
  for (size_t i = 0; i < v.keys.size(); ++i) {
    if (std::optional<double> n = Number(v.items[i], JoinPath(path, ShownKey(v.keys[i])))) {
      out.emplace_back(v.keys[i], *n);
    }
  }
  if (errors_.size() != before) return std::nullopt;
  return out;
}

std::optional<GeoPoint> FieldReader::Location(const JsonValue& v, std::string_view path) {
  if (!Expect(v, JsonValue::Type::kObject, path, "must be an object with lat and lon")) {
    return std::nullopt;
  }
  size_t before = errors_.size();
  GeoPoint p;
  for (auto [key, out] : {std::pair{"lat", &p.lat}, std::pair{"lon", &p.lon}}) {
    std::string field = JoinPath(path, key);
    if (const JsonValue* n = v.Find(key)) {
      if (std::optional<double> d = Number(*n, field)) *out = *d;
    } else {
      Add(std::move(field), "is required");
    }
  }
  if (errors_.size() != before) return std::nullopt;
  return p;
}

}  // namespace subex
