#include "api/query.h"

#include <charconv>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "engine/civil_time.h"

namespace subex {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string Join(std::initializer_list<std::string_view> words) {
  std::string out;
  for (std::string_view w : words) {
    if (!out.empty()) out += ", ";
    out += w;
  }
  return out;
}

}  // namespace

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out.push_back(' ');
    } else if (text[i] == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

std::optional<Problem> QueryParams::Parse(std::string_view query,
                                          std::initializer_list<std::string_view> known) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t eq = pair.find('=');
    std::optional<std::string> name = PercentDecode(pair.substr(0, eq));
    std::optional<std::string> value =
        PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) {
      return BadRequest("the query string has a malformed percent escape");
    }
    bool is_known = false;
    for (std::string_view k : known) is_known |= (k == *name);
    if (!is_known) {
      return BadRequest(absl::StrCat("unknown query parameter \"", *name, "\""),
                        {{*name, known.size() == 0
                                     ? std::string("unknown parameter; this route takes none")
                                     : absl::StrCat("unknown parameter; expected one of ",
                                                    Join(known))}});
    }
    if (Find(*name) != nullptr) {
      return BadRequest(absl::StrCat("query parameter \"", *name, "\" is given twice"),
                        {{*name, "is given twice"}});
    }
    params_.emplace_back(std::move(*name), std::move(*value));
  }
  return std::nullopt;
}

const std::string* QueryParams::Find(std::string_view name) const {
  for (const auto& [n, v] : params_) {
    if (n == name) return &v;
  }
  return nullptr;
}

std::optional<int64_t> QueryParams::Integer(std::string_view name, int64_t min, int64_t max,
                                            int64_t fallback) {
  const std::string* v = Find(name);
  if (v == nullptr) return fallback;
  int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size() || out < min || out > max) {
    Add(std::string(name), absl::StrCat("must be an integer from ", min, " to ", max));
    return std::nullopt;
  }
  return out;
}

std::optional<Day> QueryParams::Date(std::string_view name) {
  const std::string* v = Find(name);
  if (v == nullptr) return std::nullopt;
  std::optional<Day> d = ParseDay(*v);
  if (!d || *d < kFirstQueryDay || *d > kLastQueryDay) {
    Add(std::string(name), "must be a date YYYY-MM-DD from 0001-01-01 to 9999-12-31");
    return std::nullopt;
  }
  return d;
}

std::optional<size_t> QueryParams::Choice(std::string_view name,
                                          std::initializer_list<std::string_view> choices) {
  const std::string* v = Find(name);
  if (v == nullptr) return std::nullopt;
  size_t i = 0;
  for (std::string_view c : choices) {
    if (c == *v) return i;
    ++i;
  }
  Add(std::string(name), absl::StrCat("must be one of ", Join(choices)));
  return std::nullopt;
}

Problem QueryParams::problem() const { return Unprocessable(errors_, "the query has invalid values"); }

}  // namespace subex
