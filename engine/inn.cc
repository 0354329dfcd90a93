#include "engine/inn.h"

#include <array>
#include <cstddef>

namespace subex {
namespace {

template <size_t N>
int CheckDigit(std::string_view digits, const std::array<int, N>& weights) {
  int sum = 0;
  for (size_t i = 0; i < N; ++i) sum += (digits[i] - '0') * weights[i];
  return sum % 11 % 10;
}

constexpr std::array<int, 9> kW10 = {2, 4, 10, 3, 5, 9, 4, 6, 8};

}  // namespace

std::string CompanyInn(std::string_view nine_digits) {
  std::string inn(nine_digits);
  inn.push_back(static_cast<char>('0' + CheckDigit(inn, kW10)));
  return inn;
}

bool IsValidInn(std::string_view inn) {
  for (char c : inn) {
    if (c < '0' || c > '9') return false;
  }
  if (inn.size() == 10) {
    return CheckDigit(inn, kW10) == inn[9] - '0';
  }
  if (inn.size() == 12) {
    static constexpr std::array<int, 10> kW11 = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    static constexpr std::array<int, 11> kW12 = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
    return CheckDigit(inn, kW11) == inn[10] - '0' && CheckDigit(inn, kW12) == inn[11] - '0';
  }
  return false;
}

}  // namespace subex
