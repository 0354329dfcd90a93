// QueryParams — a request target's query string, read as strictly as a body.
//
// Parameters are percent-decoded; a parameter the route does not know, or one given twice, is a
// 400 naming it, so that a typo never silently widens a list. Getters record one error per bad
// value (422 naming the parameter) and answer nullopt.
//
//   QueryParams q;
//   if (auto problem = q.Parse(query, {"after", "limit", "wait_ms"})) return *problem;
//   std::optional<int64_t> limit = q.Integer("limit", 1, 1000, 100);
//   if (!q.ok()) return q.problem();
//
// Not safe for concurrent use; one per request.

#ifndef SUBEX_API_QUERY_H_
#define SUBEX_API_QUERY_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/ids.h"
#include "api/problem.h"
#include "engine/units.h"

namespace subex {

// Splits "path?query" into its path and query.
std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target);

// Percent-decodes `text` ('+' as space); nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);

// The days a query may name: years 0001 to 9999, the years a date of four digits writes.
inline constexpr Day kFirstQueryDay{-719162};  // 0001-01-01
inline constexpr Day kLastQueryDay{2932896};   // 9999-12-31

class QueryParams {
 public:
  // Reads `query`, accepting only the names in `known`.
  std::optional<Problem> Parse(std::string_view query, std::initializer_list<std::string_view> known);

  // The raw value, if given.
  const std::string* Find(std::string_view name) const;

  std::optional<int64_t> Integer(std::string_view name, int64_t min, int64_t max,
                                 int64_t fallback);
  // A day YYYY-MM-DD from kFirstQueryDay to kLastQueryDay (years 0001 to 9999).
  std::optional<Day> Date(std::string_view name);
  template <class IdT>
  std::optional<IdT> Id(std::string_view name) {
    const std::string* v = Find(name);
    if (v == nullptr) return std::nullopt;
    std::optional<IdT> id = ParsePublicId<IdT>(*v);
    if (!id) errors_.push_back({std::string(name), "is not a valid id of this kind"});
    return id;
  }
  // One of `choices`, as its index.
  std::optional<size_t> Choice(std::string_view name,
                               std::initializer_list<std::string_view> choices);
  void Add(std::string name, std::string reason) {
    errors_.push_back({std::move(name), std::move(reason)});
  }

  bool ok() const { return errors_.empty(); }
  Problem problem() const;

 private:
  std::vector<std::pair<std::string, std::string>> params_;
  std::vector<FieldError> errors_;
};

}  // namespace subex

#endif  // SUBEX_API_QUERY_H_
