// CRC32C — the checksum of every storage record.
//
// The Castagnoli polynomial (0x1EDC6F41, reflected 0x82F63B78) with initial value and final xor
// 0xFFFFFFFF, as in iSCSI, ext4 and LevelDB: Crc32c("123456789") is 0xE3069283. It detects every
// error burst up to 32 bits long, so in particular any change to a single byte. Computed with the
// SSE4.2 crc32 instruction where the CPU has it, else eight bytes at a time from tables built at
// compile time; both give the same value.
//
//   uint32_t crc = Crc32c(record);
//   uint32_t same = Crc32c(record.substr(8), Crc32c(record.substr(0, 8)));
//
// Pure; safe for concurrent use.

#ifndef SUBEX_STORAGE_CRC32C_H_
#define SUBEX_STORAGE_CRC32C_H_

#include <cstdint>
#include <string_view>

namespace subex {

// The CRC32C of `data`; with `crc` the CRC32C of earlier bytes, that of the two runs together.
uint32_t Crc32c(std::string_view data, uint32_t crc = 0);

namespace crc32c_internal {
// The table-driven computation, whatever the CPU (for tests).
uint32_t Portable(std::string_view data, uint32_t crc = 0);
}  // namespace crc32c_internal

}  // namespace subex

#endif  // SUBEX_STORAGE_CRC32C_H_
