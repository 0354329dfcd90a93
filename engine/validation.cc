#include "engine/validation.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "engine/geo.h"

namespace subex {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 1 && c < 0x20) return false;  // Control characters.
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    }
    i += n;
  }
  return true;
}

bool IsValidName(std::string_view name, const LimitParams& limits) {
  return !name.empty() && name.size() <= static_cast<size_t>(limits.max_name_length) &&
         std::all_of(name.begin(), name.end(), IsNameChar);
}

// The field path is built only for a bad name: valid names, nearly all of them, allocate nothing.
void AddBadName(FieldErrors& errors, std::string field, const LimitParams& limits) {
  errors.Add(std::move(field), absl::StrCat("must be 1 to ", limits.max_name_length,
                                            " characters of letters, digits, '_', '.' or '-'"));
}

}  // namespace

size_t Characters(std::string_view utf8) {
  size_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;  // Continuation bytes start none.
  return n;
}

void CheckText(FieldErrors& errors, std::string_view field, std::string_view text,
               int32_t max_length) {
  if (text.empty()) {
    errors.Add(std::string(field), "must not be empty");
  } else if (!IsValidUtf8(text)) {
    errors.Add(std::string(field), "must be UTF-8 text without control characters");
  } else if (Characters(text) > static_cast<size_t>(max_length)) {
    errors.Add(std::string(field), absl::StrCat("must be at most ", max_length, " characters"));
  }
}

void CheckRegion(FieldErrors& errors, std::string_view field, std::string_view r) {
  auto upper = [](char c) { return c >= 'A' && c <= 'Z'; };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool ok = r.size() >= 4 && r.size() <= 6 && upper(r[0]) && upper(r[1]) && r[2] == '-' &&
            std::all_of(r.begin() + 3, r.end(), [&](char c) { return upper(c) || digit(c); });
  if (!ok) errors.Add(std::string(field), "must be an ISO 3166-2 code such as RU-LIP");
}

void CheckLocation(FieldErrors& errors, std::string_view field, GeoPoint p) {
  if (!IsValidLocation(p)) {
    errors.Add(std::string(field), "must have lat in [-90, 90] and lon in [-180, 180]");
  }
}

std::vector<std::string> CheckNames(FieldErrors& errors, std::string_view field,
                                    const std::vector<std::string>& names,
                                    const LimitParams& limits) {
  if (names.size() > static_cast<size_t>(limits.max_list_items)) {
    errors.Add(std::string(field), absl::StrCat("must have at most ", limits.max_list_items,
                                                " items"));
    return {};
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (!IsValidName(names[i], limits)) {
      AddBadName(errors, absl::StrCat(std::string(field), "[", i, "]"), limits);
    }
  }
  std::vector<std::string> sorted = names;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    errors.Add(std::string(field), "must not repeat an item");
  }
  return sorted;
}

NamedValues CheckNamedValues(FieldErrors& errors, std::string_view field, const NamedValues& values,
                             const LimitParams& limits) {
  if (values.size() > static_cast<size_t>(limits.max_list_items)) {
    errors.Add(std::string(field), absl::StrCat("must have at most ", limits.max_list_items,
                                                " entries"));
    return {};
  }
  for (const auto& entry : values) {
    const std::string& name = entry.first;
    const double value = entry.second;
    auto path = [&] {
      return absl::StrCat(absl::string_view(field.data(), field.size()), ".", name);
    };
    if (!IsValidName(name, limits)) AddBadName(errors, path(), limits);
    if (!std::isfinite(value) || value < 0) {
      errors.Add(path(), "must be a finite non-negative number");
    }
  }
  NamedValues sorted = values;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i].first == sorted[i - 1].first) {
      errors.Add(absl::StrCat(std::string(field), ".", sorted[i].first), "must not repeat");
    }
  }
  return sorted;
}

}  // namespace subex
