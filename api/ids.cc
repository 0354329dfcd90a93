#include "api/ids.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <mutex>

namespace subex {
namespace {

constexpr std::string_view kAlphabet = "0123456789abcdefghjkmnpqrstvwxyz";  // Crockford, lower.
constexpr size_t kDigits = 7;                                               // 35 bits.
constexpr int kBits = 35;
constexpr int kLowBits = 18;  // FF1's v = ceil(35 / 2); the high half has u = 17.
constexpr int kHighBits = kBits - kLowBits;
constexpr int kRounds = 10;  // As FF1.
constexpr uint64_t Mask(int bits) { return (uint64_t{1} << bits) - 1; }

// --- Legacy: the fixed scramble of journals that began without a secret. ---

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

// A bijection of 32-bit values (xor-shift and odd multiplications, each invertible).
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

// --- SipHash-2-4. ---

constexpr uint64_t Rotl(uint64_t x, int b) { return (x << b) | (x >> (64 - b)); }

struct SipState {
  uint64_t v0, v1, v2, v3;
  SipState(uint64_t k0, uint64_t k1)
      : v0(k0 ^ 0x736f6d6570736575ull),
        v1(k1 ^ 0x646f72616e646f6dull),
        v2(k0 ^ 0x6c7967656e657261ull),
        v3(k1 ^ 0x7465646279746573ull) {}
  void Round() {
    v0 += v1, v1 = Rotl(v1, 13), v1 ^= v0, v0 = Rotl(v0, 32);
    v2 += v3, v3 = Rotl(v3, 16), v3 ^= v2;
    v0 += v3, v3 = Rotl(v3, 21), v3 ^= v0;
    v2 += v1, v1 = Rotl(v1, 17), v1 ^= v2, v2 = Rotl(v2, 32);
  }
  void Absorb(uint64_t m) {
    v3 ^= m;
    Round();
    Round();
    v0 ^= m;
  }
  uint64_t Finish() {
    v2 ^= 0xff;
    Round();
    Round();
    Round();
    Round();
    return v0 ^ v1 ^ v2 ^ v3;
  }
};

uint64_t LoadLe(const unsigned char* p, size_t n) {
  uint64_t v = 0;
  for (size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}

int DigitValue(char c) {
  size_t pos = kAlphabet.find(c);
  return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

// The process's scheme. Every scheme ever set is kept, so a reader never holds a dangling one.
constinit const PublicIdScheme kLegacyScheme;
std::mutex schemes_mu;
std::deque<PublicIdScheme>& Schemes() {
  static auto* schemes = new std::deque<PublicIdScheme>();
  return *schemes;
}
std::atomic<const PublicIdScheme*> current{&kLegacyScheme};

}  // namespace

uint64_t SipHash24(uint64_t k0, uint64_t k1, std::string_view data) {
  SipState s(k0, k1);
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const size_t whole = data.size() / 8 * 8;
  for (size_t i = 0; i < whole; i += 8) s.Absorb(LoadLe(p + i, 8));
  s.Absorb(uint64_t{data.size() & 0xff} << 56 | LoadLe(p + whole, data.size() - whole));
  return s.Finish();
}

PublicIdScheme::PublicIdScheme(std::string_view secret) {
  if (secret.empty()) return;
  // The round key is derived rather than cut from the secret, so the secret may key other
  // things later without the two uses meeting.
  static constexpr std::string_view kLabel = "subex public ids v1";
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(kLabel.data()), kLabel.size(), mac.data(), &mac_size);
  keyed_ = true;
  k0_ = LoadLe(mac.data(), 8);
  k1_ = LoadLe(mac.data() + 8, 8);
}

uint64_t PublicIdScheme::Round(std::string_view prefix, int round, uint64_t half) const {
  SipState s(k0_, k1_);
  // One word: the kind, the round and the half (at most 18 bits), then SipHash's length block.
  const uint64_t word = uint64_t{static_cast<unsigned char>(prefix[0])} << 56 |
                        uint64_t{static_cast<unsigned char>(prefix[1])} << 48 |
                        uint64_t{static_cast<unsigned char>(round)} << 40 | half;
  s.Absorb(word);
  s.Absorb(uint64_t{8} << 56);
  return s.Finish();
}

// FF1's alternating Feistel: (A, B) -> (B, A + F(i, B) mod 2^m), m the width of A.
uint64_t PublicIdScheme::Permute(std::string_view prefix, uint32_t legacy_key,
                                 uint32_t index) const {
  if (!keyed_) return Scramble(index, legacy_key);
  uint64_t a = uint64_t{index} >> kLowBits, b = index & Mask(kLowBits);
  for (int i = 0; i < kRounds; ++i) {
    const int m = i % 2 == 0 ? kHighBits : kLowBits;
    const uint64_t c = (a + Round(prefix, i, b)) & Mask(m);
    a = b;
    b = c;
  }
  return a << kLowBits | b;
}

std::optional<uint32_t> PublicIdScheme::Unpermute(std::string_view prefix, uint32_t legacy_key,
                                                  uint64_t bits) const {
  uint64_t index = 0;
  if (!keyed_) {
    if (bits > UINT32_MAX) return std::nullopt;  // Only 32 of the 35 bits carry the index.
    index = Unscramble(static_cast<uint32_t>(bits), legacy_key);
  } else {
    if (bits > Mask(kBits)) return std::nullopt;
    uint64_t a = bits >> kLowBits, b = bits & Mask(kLowBits);
    for (int i = kRounds; i-- > 0;) {
      const int m = i % 2 == 0 ? kHighBits : kLowBits;
      const uint64_t c = b;
      b = a;
      a = (c - Round(prefix, i, b)) & Mask(m);
    }
    index = a << kLowBits | b;
  }
  // Seven in eight keyed values stand for no 32-bit index; the "no id" value has no public form.
  if (index >= MemberId::kNone) return std::nullopt;
  return static_cast<uint32_t>(index);
}

std::string PublicIdScheme::Encode(std::string_view prefix, uint32_t legacy_key,
                                   uint32_t index) const {
  uint64_t v = Permute(prefix, legacy_key, index);
  std::string out(prefix);
  out.resize(prefix.size() + kDigits);
  for (size_t i = kDigits; i-- > 0;) {
    out[prefix.size() + i] = kAlphabet[v & 31];
    v >>= 5;
  }
  return out;
}

std::optional<uint32_t> PublicIdScheme::Decode(std::string_view prefix, uint32_t legacy_key,
                                               std::string_view text) const {
  if (text.size() != prefix.size() + kDigits || text.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : text.substr(prefix.size())) {
    int d = DigitValue(c);
    if (d < 0) return std::nullopt;
    v = v << 5 | static_cast<uint64_t>(d);
  }
  return Unpermute(prefix, legacy_key, v);
}

std::string NewPublicIdSecret() {
  std::string secret(32, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(secret.data()),
                 static_cast<int>(secret.size())) != 1) {
    // Without randomness ids could be guessed; nothing sensible can go on.
    std::fputs("subex: the system's random source failed\n", stderr);
    std::abort();
  }
  return secret;
}

void SetPublicIdScheme(const PublicIdScheme& scheme) {
  std::lock_guard<std::mutex> lock(schemes_mu);
  Schemes().push_back(scheme);
  current.store(&Schemes().back(), std::memory_order_release);
}

const PublicIdScheme& CurrentPublicIdScheme() {
  return *current.load(std::memory_order_acquire);
}

}  // namespace subex
