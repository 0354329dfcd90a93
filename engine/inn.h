// INN — the Russian taxpayer number: 10 digits for a company, 12 for an individual, each with
// check digits (weights from the Federal Tax Service's rules). Pure; safe for concurrent use.

#ifndef SUBEX_ENGINE_INN_H_
#define SUBEX_ENGINE_INN_H_

#include <string>
#include <string_view>

namespace subex {

// True when `inn` is 10 or 12 ASCII digits whose check digits are right.
bool IsValidInn(std::string_view inn);

// The company INN whose first nine digits are `nine_digits` (which must be nine ASCII digits):
// they followed by their check digit. For demo data, fixtures and benchmarks.
std::string CompanyInn(std::string_view nine_digits);

}  // namespace subex

#endif  // SUBEX_ENGINE_INN_H_
