#include "api/ids.h"

namespace subex {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford, lower.
constexpr size_t kDigits = 7;  // 35 bits hold the 32 of the scrambled index.

// The inverse of an odd number modulo 2^32 (Newton's iteration doubles the good bits each step).
constexpr uint32_t InverseOdd(uint32_t a) {
  uint32_t x = a;  // Right in the low 3 bits for any odd a.
  for (int i = 0; i < 5; ++i) x *= 2 - a * x;
  return x;
}

constexpr uint32_t kMul1 = 0x7feb352d;
constexpr uint32_t kMul2 = 0x846ca68b;
constexpr uint32_t kInv1 = InverseOdd(kMul1);
constexpr uint32_t kInv2 = InverseOdd(kMul2);
static_assert(kMul1 * kInv1 == 1 && kMul2 * kInv2 == 1);

// A bijection of 32-bit values that spreads every input bit over the whole output (xor-shift and
// odd multiplications, each invertible), keyed so each kind of id scrambles differently.
constexpr uint32_t Scramble(uint32_t x, uint32_t key) {
  x ^= key;
  x ^= x >> 16;
  x *= kMul1;
  x ^= x >> 15;
  x *= kMul2;
  x ^= x >> 16;
  return x;
}

constexpr uint32_t Unscramble(uint32_t x, uint32_t key) {
  x ^= x >> 16;
  x *= kInv2;
  x ^= (x >> 15) ^ (x >> 30);
  x *= kInv1;
  x ^= x >> 16;
  return x ^ key;
}

static_assert(Unscramble(Scramble(0, 1), 1) == 0);
static_assert(Unscramble(Scramble(0xfffffffe, 7), 7) == 0xfffffffe);
static_assert(Unscramble(Scramble(123456789, 0x5bd1e995), 0x5bd1e995) == 123456789);

int DigitValue(char c) {
  size_t pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

}  // namespace

std::string EncodePublicId(std::string_view prefix, uint32_t key, uint32_t index) {
  uint64_t v = Scramble(index, key);
  std::string out(prefix);
  out.resize(prefix.size() + kDigits);
  for (size_t i = kDigits; i-- > 0;) {
    out[prefix.size() + i] = kAlphabet[v & 31];
    v >>= 5;
  }
  return out;
}

std::optional<uint32_t> DecodePublicId(std::string_view prefix, uint32_t key,
                                       std::string_view text) {
  if (text.size() != prefix.size() + kDigits || text.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : text.substr(prefix.size())) {
    int d = DigitValue(c);
    if (d < 0) return std::nullopt;
    v = v << 5 | static_cast<uint64_t>(d);
  }
  if (v > UINT32_MAX) return std::nullopt;  // Only 32 of the 35 bits carry the index.
  uint32_t index = Unscramble(static_cast<uint32_t>(v), key);
  if (index == MemberId::kNone) return std::nullopt;  // The "no id" value has no public form.
  return index;
}

}  // namespace subex
