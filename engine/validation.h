// Validation — the field checks every command shares, collecting one `FieldError` per bad field
// so that a portal can show them all at once (PRODUCT §6: 422 naming each field).
//
//   FieldErrors errors;
//   CheckText(errors, "title", cmd.title, limits.max_text_length);
//   std::vector<std::string> tags = CheckNames(errors, "tags", cmd.tags, limits);
//   if (!errors.ok()) return errors.Reject();
//
// Pure; safe for concurrent use.

#ifndef SUBEX_ENGINE_VALIDATION_H_
#define SUBEX_ENGINE_VALIDATION_H_

#include <string>
#include <string_view>
#include <vector>

#include "engine/commands.h"
#include "engine/params.h"
#include "engine/rejection.h"

namespace subex {

class FieldErrors {
 public:
  void Add(std::string field, std::string reason) {
    errors_.push_back({std::move(field), std::move(reason)});
  }
  bool ok() const { return errors_.empty(); }
  Rejection Reject() && { return Rejection::Invalid(std::move(errors_)); }

 private:
  std::vector<FieldError> errors_;
};

// The characters (Unicode code points) of valid UTF-8 text: every length limit counts these.
size_t Characters(std::string_view utf8);

// Non-empty valid UTF-8, no control characters, at most `max_length` characters.
void CheckText(FieldErrors& errors, std::string_view field, std::string_view text,
               int32_t max_length);

// ISO 3166-2: two capital letters, a hyphen, one to three capital letters or digits (RU-LIP).
void CheckRegion(FieldErrors& errors, std::string_view field, std::string_view region);

void CheckLocation(FieldErrors& errors, std::string_view field, GeoPoint p);

// A list of short names (tags, certifications): each 1..max_name_length of [A-Za-z0-9_.-], no
// repeats, at most max_list_items. Returns them sorted.
std::vector<std::string> CheckNames(FieldErrors& errors, std::string_view field,
                                    const std::vector<std::string>& names,
                                    const LimitParams& limits);

// Named numbers (limits, needs): names as above, values finite and non-negative. Returns them
// sorted by name.
NamedValues CheckNamedValues(FieldErrors& errors, std::string_view field, const NamedValues& values,
                             const LimitParams& limits);

}  // namespace subex

#endif  // SUBEX_ENGINE_VALIDATION_H_
