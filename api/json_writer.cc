#include "api/json_writer.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "engine/civil_time.h"

namespace subex {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8.

// The length of the well-formed UTF-8 sequence at the front of `s` (RFC 3629: no overlong forms,
// no surrogates, nothing above U+10FFFF), or 0 when there is none.
size_t Utf8SequenceLength(std::string_view s) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  auto continuation = [&](size_t i) { return i < s.size() && (byte(i) & 0xC0) == 0x80; };
  unsigned char c = byte(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return continuation(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!continuation(1) || !continuation(2)) return 0;
    if (c == 0xE0 && byte(1) < 0xA0) return 0;  // Overlong.
    if (c == 0xED && byte(1) > 0x9F) return 0;  // Surrogate.
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!continuation(1) || !continuation(2) || !continuation(3)) return 0;
    if (c == 0xF0 && byte(1) < 0x90) return 0;  // Overlong.
    if (c == 0xF4 && byte(1) > 0x8F) return 0;  // Above U+10FFFF.
    return 4;
  }
  return 0;
}

}  // namespace

void AppendJsonString(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  while (!text.empty()) {
    // The common case first: a run of printable ASCII that needs no escape, appended at once.
    size_t run = 0;
    while (run < text.size()) {
      const unsigned char r = static_cast<unsigned char>(text[run]);
      if (r < 0x20 || r >= 0x80 || r == '"' || r == '\\') break;
      ++run;
    }
    if (run > 0) {
      out.append(text.data(), run);
      text.remove_prefix(run);
      continue;
    }
    unsigned char c = static_cast<unsigned char>(text.front());
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
      text.remove_prefix(1);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
      text.remove_prefix(1);
    } else if (size_t n = Utf8SequenceLength(text); n > 0) {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
    } else {
      out.append(kReplacement);
      text.remove_prefix(1);
    }
  }
  out.push_back('"');
}

// Appends `value` kopecks as roubles with two decimals ("-1234.05").
void AppendMoney(std::string& out, Kopecks value) {
  // The magnitude as unsigned, so that the most negative value has one too.
  const uint64_t magnitude =
      value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  if (value < 0) out.push_back('-');
  char buf[24];
  const std::to_chars_result r = std::to_chars(buf, buf + sizeof buf, magnitude / 100);
  out.append(buf, static_cast<size_t>(r.ptr - buf));
  out.push_back('.');
  out.push_back(static_cast<char>('0' + magnitude % 100 / 10));
  out.push_back(static_cast<char>('0' + magnitude % 10));
}

std::string FormatMoney(Kopecks value) {
  std::string out;
  AppendMoney(out, value);
  return out;
}

// Appends `t` as RFC 3339 UTC: seconds always, milliseconds when not zero.
void AppendRfc3339(std::string& out, subex::Instant t) {
  subex::Day day = DayOf(t);
  const int64_t ms_of_day = t.unix_ms - StartOf(day).unix_ms;
  const int s = static_cast<int>(ms_of_day / 1000);
  const int ms = static_cast<int>(ms_of_day % 1000);
  AppendDay(out, day);
  const int h = s / 3600, m = s / 60 % 60, sec = s % 60;
  const char hms[9] = {'T',
                       static_cast<char>('0' + h / 10),   static_cast<char>('0' + h % 10),   ':',
                       static_cast<char>('0' + m / 10),   static_cast<char>('0' + m % 10),   ':',
                       static_cast<char>('0' + sec / 10), static_cast<char>('0' + sec % 10)};
  out.append(hms, sizeof hms);
  if (ms != 0) {
    const char frac[4] = {'.', static_cast<char>('0' + ms / 100),
                          static_cast<char>('0' + ms / 10 % 10), static_cast<char>('0' + ms % 10)};
    out.append(frac, sizeof frac);
  }
  out.push_back('Z');
}

std::string FormatRfc3339(subex::Instant t) {
  std::string out;
  AppendRfc3339(out, t);
  return out;
}

void JsonWriter::BeforeValue() {
  if (scopes_.empty()) {
    assert(out_.empty() && "one top-level value only");
    return;
  }
  if (scopes_.back() == Scope::kObject) {
    assert(after_key_ && "an object member needs a Key first");
    after_key_ = false;
    return;
  }
  if (!first_in_scope_) out_.push_back(',');
  first_in_scope_ = false;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_.push_back('{');
  scopes_.push_back(Scope::kObject);
  first_in_scope_ = true;
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  assert(!scopes_.empty() && scopes_.back() == Scope::kObject && !after_key_);
  scopes_.pop_back();
  out_.push_back('}');
  first_in_scope_ = false;
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_.push_back('[');
  scopes_.push_back(Scope::kArray);
  first_in_scope_ = true;
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  assert(!scopes_.empty() && scopes_.back() == Scope::kArray);
  scopes_.pop_back();
  out_.push_back(']');
  first_in_scope_ = false;
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  assert(!scopes_.empty() && scopes_.back() == Scope::kObject && !after_key_);
  if (!first_in_scope_) out_.push_back(',');
  first_in_scope_ = false;
  AppendJsonString(out_, name);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view text) {
  BeforeValue();
  AppendJsonString(out_, text);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::Double(double value) {
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out_.append(buf, end);
  return *this;
}

JsonWriter& JsonWriter::Fixed(double value, int digits) {
  if (!std::isfinite(value)) return Null();
  BeforeValue();
  if (digits < 0) digits = 0;
  if (digits > 17) digits = 17;
  char buf[352];  // DBL_MAX has 309 integer digits.
  // As printf's "%.*f" writes it, without the locale and the format parsing.
  const std::to_chars_result r =
      std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, digits);
  std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
  // A value that rounds to zero is written without its sign: "-0.00" reads as a negative amount.
  if (text.front() == '-' && text.find_first_not_of("-0.") == std::string_view::npos) {
    text.remove_prefix(1);
  }
  out_.append(text);
  return *this;
}

JsonWriter& JsonWriter::Money(Kopecks value) {
  BeforeValue();
  AppendMoney(out_, value);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  return *this;
}

JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_.append(json);
  return *this;
}

JsonWriter& JsonWriter::Day(subex::Day day) {
  BeforeValue();
  out_.push_back('"');
  AppendDay(out_, day);
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::Instant(subex::Instant t) {
  BeforeValue();
  out_.push_back('"');
  AppendRfc3339(out_, t);
  out_.push_back('"');
  return *this;
}

JsonWriter& JsonWriter::KeyString(std::string_view name, std::string_view text) {
  return Key(name).String(text);
}
JsonWriter& JsonWriter::KeyInt(std::string_view name, int64_t value) {
  return Key(name).Int(value);
}
JsonWriter& JsonWriter::KeyDouble(std::string_view name, double value) {
  return Key(name).Double(value);
}
JsonWriter& JsonWriter::KeyFixed(std::string_view name, double value, int digits) {
  return Key(name).Fixed(value, digits);
}
JsonWriter& JsonWriter::KeyMoney(std::string_view name, Kopecks value) {
  return Key(name).Money(value);
}
JsonWriter& JsonWriter::KeyBool(std::string_view name, bool value) { return Key(name).Bool(value); }
JsonWriter& JsonWriter::KeyNull(std::string_view name) { return Key(name).Null(); }
JsonWriter& JsonWriter::KeyRaw(std::string_view name, std::string_view json) {
  return Key(name).Raw(json);
}
JsonWriter& JsonWriter::KeyDay(std::string_view name, subex::Day day) { return Key(name).Day(day); }
JsonWriter& JsonWriter::KeyInstant(std::string_view name, subex::Instant t) {
  return Key(name).Instant(t);
}

}  // namespace subex
