#include "tests/json_schema.h"

#include <cmath>
#include <set>
#include <string_view>

namespace subex::test {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::element_type;
using simdjson::dom::object;

constexpr int kMaxDepth = 64;  // Of nested schemas: a $ref cycle ends here, reported.

// Keywords that only describe: they never make a value fit or not.
const std::set<std::string_view> kAnnotations = {
    "description", "examples", "example", "default", "title", "deprecated", "readOnly",
    "writeOnly",   "$comment", "discriminator"};
const std::set<std::string_view> kUnderstood = {
    "type",      "properties", "required",  "additionalProperties", "minProperties",
    "maxProperties", "items",  "minItems",  "maxItems",             "uniqueItems",
    "enum",      "const",      "$ref",      "allOf",                "anyOf",
    "oneOf",     "minimum",    "maximum",   "exclusiveMinimum",     "exclusiveMaximum",
    "minLength", "maxLength",  "pattern",   "format"};

std::string Escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool IsNumber(element v) {
  const element_type t = v.type();
  return t == element_type::INT64 || t == element_type::UINT64 || t == element_type::DOUBLE;
}

// Conversions of an element already known to be of the type (simdjson without exceptions).
double Number(element v) {
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  if (v.get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  if (v.get(u) == simdjson::SUCCESS) return static_cast<double>(u);
  return v.get(d) == simdjson::SUCCESS ? d : 0;
}

std::string_view Text(element v) {
  std::string_view s;
  return v.get(s) == simdjson::SUCCESS ? s : std::string_view();
}

bool Truth(element v) {
  bool b = false;
  return v.get(b) == simdjson::SUCCESS && b;
}

array Array(element v) {
  array a;
  if (v.get(a) != simdjson::SUCCESS) return array();
  return a;
}

object Object(element v) {
  object o;
  if (v.get(o) != simdjson::SUCCESS) return object();
  return o;
}

bool IsInteger(element v) {
  if (v.type() == element_type::INT64 || v.type() == element_type::UINT64) return true;
  return v.type() == element_type::DOUBLE && std::trunc(Number(v)) == Number(v);
}

bool HasType(element v, std::string_view type) {
  switch (v.type()) {
    case element_type::ARRAY: return type == "array";
    case element_type::OBJECT: return type == "object";
    case element_type::STRING: return type == "string";
    case element_type::BOOL: return type == "boolean";
    case element_type::NULL_VALUE: return type == "null";
    default: return type == "number" || (type == "integer" && IsInteger(v));
  }
}

std::string_view TypeName(element v) {
  switch (v.type()) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
    default: return IsInteger(v) ? "integer" : "number";
  }
}

// Characters of UTF-8: every byte but continuation bytes starts one.
size_t Characters(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool IsDate(std::string_view s) {
  static const std::regex re(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$)");
  return std::regex_match(s.begin(), s.end(), re);
}

bool IsDateTime(std::string_view s) {
  static const std::regex re(
      R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[Tt]([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?([Zz]|[+-]([01]\d|2[0-3]):[0-5]\d)$)");
  return std::regex_match(s.begin(), s.end(), re);
}

}  // namespace

bool JsonEqual(element a, element b) {
  if (IsNumber(a) && IsNumber(b)) return Number(a) == Number(b);
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case element_type::STRING: return Text(a) == Text(b);
    case element_type::BOOL: return Truth(a) == Truth(b);
    case element_type::NULL_VALUE: return true;
    case element_type::ARRAY: {
      array x = Array(a), y = Array(b);
      if (x.size() != y.size()) return false;
      auto i = y.begin();
      for (element e : x) {
        if (!JsonEqual(e, *i)) return false;
        ++i;
      }
      return true;
    }
    case element_type::OBJECT: {
      object x = Object(a), y = Object(b);
      if (x.size() != y.size()) return false;
      for (auto field : x) {
        element other;
        if (y.at_key(field.key).get(other) != simdjson::SUCCESS || !JsonEqual(field.value, other)) {
          return false;
        }
      }
      return true;
    }
    default: return false;
  }
}

std::vector<std::string> JsonSchema::Validate(element schema, element value) const {
  Errors errors;
  Check(schema, value, "", errors, 0);
  return errors;
}

void JsonSchema::Check(element schema, element value, const std::string& pointer, Errors& errors,
                       int depth) const {
  if (schema.type() == element_type::BOOL) {
    if (!Truth(schema)) errors.push_back(pointer + ": no value is allowed here");
    return;
  }
  object s;
  if (schema.get(s) != simdjson::SUCCESS) {
    errors.push_back(pointer + ": the schema is not an object");
    return;
  }
  if (depth > kMaxDepth) {
    errors.push_back(pointer + ": schemas nest too deep (a $ref cycle?)");
    return;
  }
  for (auto field : s) {
    if (!kUnderstood.contains(field.key) && !kAnnotations.contains(field.key)) {
      errors.push_back(pointer + ": the schema keyword \"" + std::string(field.key) +
                       "\" is not supported by this checker");
    }
  }
  std::string_view ref;
  if (s["$ref"].get(ref) == simdjson::SUCCESS) {
    element target;
    if (ref.substr(0, 1) != "#" ||
        document_.at_pointer(ref.substr(1)).get(target) != simdjson::SUCCESS) {
      errors.push_back(pointer + ": $ref " + std::string(ref) + " names nothing in the document");
    } else {
      Check(target, value, pointer, errors, depth + 1);
    }
  }
  element type;
  if (s["type"].get(type) == simdjson::SUCCESS) {
    bool fits = false;
    std::string names;
    if (type.type() == element_type::ARRAY) {
      for (element t : Array(type)) {
        fits |= HasType(value, Text(t));
        names += (names.empty() ? "" : " or ") + std::string(Text(t));
      }
    } else {
      fits = HasType(value, Text(type));
      names = std::string(Text(type));
    }
    if (!fits) {
      errors.push_back(pointer + ": is " + std::string(TypeName(value)) + ", not " + names);
      return;  // The other keywords would only repeat it.
    }
  }
  element choices;
  if (s["enum"].get(choices) == simdjson::SUCCESS) {
    bool found = false;
    for (element c : Array(choices)) found |= JsonEqual(c, value);
    if (!found) {
      errors.push_back(pointer + ": " + simdjson::minify(value) + " is not one of " +
                       simdjson::minify(choices));
    }
  }
  element constant;
  if (s["const"].get(constant) == simdjson::SUCCESS && !JsonEqual(constant, value)) {
    errors.push_back(pointer + ": must be " + simdjson::minify(constant));
  }
  CheckCombinators(s, value, pointer, errors, depth);
  if (value.type() == element_type::OBJECT) CheckObject(s, value, pointer, errors, depth);
  if (value.type() == element_type::ARRAY) CheckArray(s, value, pointer, errors, depth);
  CheckScalar(s, value, pointer, errors);
}

void JsonSchema::CheckCombinators(object s, element value, const std::string& pointer,
                                  Errors& errors, int depth) const {
  array parts;
  if (s["allOf"].get(parts) == simdjson::SUCCESS) {
    for (element part : parts) Check(part, value, pointer, errors, depth + 1);
  }
  for (std::string_view keyword : {"anyOf", "oneOf"}) {
    if (s[keyword].get(parts) != simdjson::SUCCESS) continue;
    size_t fitting = 0;
    std::string why;
    for (element part : parts) {
      Errors sub;
      Check(part, value, pointer, sub, depth + 1);
      if (sub.empty()) {
        ++fitting;
      } else {
        why += (why.empty() ? "" : "; ") + sub.front();
      }
    }
    if (fitting == 0) {
      errors.push_back(pointer + ": fits none of " + std::string(keyword) + " (" + why + ")");
    } else if (keyword == "oneOf" && fitting > 1) {
      errors.push_back(pointer + ": fits " + std::to_string(fitting) + " of oneOf, not one");
    }
  }
}

void JsonSchema::CheckObject(object s, element value, const std::string& pointer, Errors& errors,
                             int depth) const {
  object o = Object(value);
  object properties;
  const bool has_properties = s["properties"].get(properties) == simdjson::SUCCESS;
  array required;
  if (s["required"].get(required) == simdjson::SUCCESS) {
    for (element name : required) {
      element unused;
      if (o.at_key(Text(name)).get(unused) != simdjson::SUCCESS) {
        errors.push_back(pointer + ": lacks the required \"" + std::string(Text(name)) + "\"");
      }
    }
  }
  element additional;
  const bool has_additional = s["additionalProperties"].get(additional) == simdjson::SUCCESS;
  for (auto field : o) {
    const std::string at = pointer + "/" + Escape(field.key);
    element property;
    if (has_properties && properties.at_key(field.key).get(property) == simdjson::SUCCESS) {
      Check(property, field.value, at, errors, depth + 1);
    } else if (has_additional) {
      if (additional.type() == element_type::BOOL && !Truth(additional)) {
        errors.push_back(at + ": is not a property the schema declares");
      } else {
        Check(additional, field.value, at, errors, depth + 1);
      }
    }
  }
  uint64_t n = 0;
  if (s["minProperties"].get(n) == simdjson::SUCCESS && o.size() < n) {
    errors.push_back(pointer + ": has fewer than " + std::to_string(n) + " properties");
  }
  if (s["maxProperties"].get(n) == simdjson::SUCCESS && o.size() > n) {
    errors.push_back(pointer + ": has more than " + std::to_string(n) + " properties");
  }
}

void JsonSchema::CheckArray(object s, element value, const std::string& pointer, Errors& errors,
                            int depth) const {
  array a = Array(value);
  element items;
  if (s["items"].get(items) == simdjson::SUCCESS) {
    size_t i = 0;
    for (element item : a) Check(items, item, pointer + "/" + std::to_string(i++), errors, depth + 1);
  }
  uint64_t n = 0;
  if (s["minItems"].get(n) == simdjson::SUCCESS && a.size() < n) {
    errors.push_back(pointer + ": has fewer than " + std::to_string(n) + " items");
  }
  if (s["maxItems"].get(n) == simdjson::SUCCESS && a.size() > n) {
    errors.push_back(pointer + ": has more than " + std::to_string(n) + " items");
  }
  bool unique = false;
  if (s["uniqueItems"].get(unique) == simdjson::SUCCESS && unique) {
    std::vector<element> seen;
    size_t i = 0;
    for (element item : a) {
      for (element before : seen) {
        if (JsonEqual(before, item)) {
          errors.push_back(pointer + "/" + std::to_string(i) + ": repeats an earlier item");
          break;
        }
      }
      seen.push_back(item);
      ++i;
    }
  }
}

void JsonSchema::CheckScalar(object s, element value, const std::string& pointer,
                             Errors& errors) const {
  if (IsNumber(value)) {
    const double x = Number(value);
    element bound;
    if (s["minimum"].get(bound) == simdjson::SUCCESS && x < Number(bound)) {
      errors.push_back(pointer + ": " + simdjson::minify(value) + " is below the minimum " +
                       simdjson::minify(bound));
    }
    if (s["maximum"].get(bound) == simdjson::SUCCESS && x > Number(bound)) {
      errors.push_back(pointer + ": " + simdjson::minify(value) + " is above the maximum " +
                       simdjson::minify(bound));
    }
    if (s["exclusiveMinimum"].get(bound) == simdjson::SUCCESS && x <= Number(bound)) {
      errors.push_back(pointer + ": must be above " + simdjson::minify(bound));
    }
    if (s["exclusiveMaximum"].get(bound) == simdjson::SUCCESS && x >= Number(bound)) {
      errors.push_back(pointer + ": must be below " + simdjson::minify(bound));
    }
  }
  if (value.type() != element_type::STRING) return;
  const std::string text(Text(value));
  uint64_t n = 0;
  if (s["minLength"].get(n) == simdjson::SUCCESS && Characters(text) < n) {
    errors.push_back(pointer + ": is shorter than " + std::to_string(n) + " characters");
  }
  if (s["maxLength"].get(n) == simdjson::SUCCESS && Characters(text) > n) {
    errors.push_back(pointer + ": is longer than " + std::to_string(n) + " characters");
  }
  std::string_view pattern;
  if (s["pattern"].get(pattern) == simdjson::SUCCESS && !Matches(std::string(pattern), text)) {
    errors.push_back(pointer + ": \"" + text + "\" does not match " + std::string(pattern));
  }
  std::string_view format;
  if (s["format"].get(format) == simdjson::SUCCESS) {
    if ((format == "date" && !IsDate(text)) || (format == "date-time" && !IsDateTime(text))) {
      errors.push_back(pointer + ": \"" + text + "\" is not a " + std::string(format));
    }
  }
}

bool JsonSchema::Matches(const std::string& pattern, const std::string& text) const {
  std::lock_guard<std::mutex> lock(regex_mutex_);
  auto it = regexes_.find(pattern);
  if (it == regexes_.end()) it = regexes_.emplace(pattern, std::regex(pattern)).first;
  return std::regex_search(text, it->second);
}

}  // namespace subex::test
