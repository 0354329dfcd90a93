#include "storage/crc32c.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>
#define SUBEX_CRC32C_SSE42 1
#endif

namespace subex {
namespace {

constexpr std::array<std::array<uint32_t, 256>, 8> kTables = [] {
  std::array<std::array<uint32_t, 256>, 8> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0x82F63B78u & (0u - (c & 1)));
    t[0][i] = c;
  }
  // t[k][i]: the CRC of byte i followed by k zero bytes, so eight bytes fold in one step.
  for (uint32_t i = 0; i < 256; ++i) {
    for (size_t k = 1; k < 8; ++k) t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xFF];
  }
  return t;
}();

// `c` is the running register (the CRC inverted).
uint32_t Tables(const unsigned char* p, size_t n, uint32_t c) {
  const auto& t = kTables;
  for (; n >= 8; p += 8, n -= 8) {
    const uint32_t lo =
        c ^ (uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24);
    c = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
        t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
  }
  for (; n > 0; ++p, --n) c = (c >> 8) ^ t[0][(c ^ *p) & 0xFF];
  return c;
}

#ifdef SUBEX_CRC32C_SSE42
__attribute__((target("sse4.2"))) uint32_t Instruction(const unsigned char* p, size_t n,
                                                       uint32_t c) {
  uint64_t c64 = c;
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    c64 = _mm_crc32_u64(c64, word);
  }
  c = static_cast<uint32_t>(c64);
  for (; n > 0; ++p, --n) c = _mm_crc32_u8(c, *p);
  return c;
}

// Initialized before main; a call during static initialization before this is set takes the
// tables, which give the same value.
const bool kHasInstruction = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();
#endif

const unsigned char* Bytes(std::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

}  // namespace

uint32_t Crc32c(std::string_view data, uint32_t crc) {
#ifdef SUBEX_CRC32C_SSE42
  if (kHasInstruction) return ~Instruction(Bytes(data), data.size(), ~crc);
#endif
  return ~Tables(Bytes(data), data.size(), ~crc);
}

namespace crc32c_internal {
uint32_t Portable(std::string_view data, uint32_t crc) {
  return ~Tables(Bytes(data), data.size(), ~crc);
}
}  // namespace crc32c_internal

}  // namespace subex
