// Specification of CRC32C (storage/crc32c.h): the standard check values, on every code path.

#include "storage/crc32c.h"

#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(Crc32cTest, MatchesTheStandardCheckValues) {
  for (auto crc : {&Crc32c, &crc32c_internal::Portable}) {
    EXPECT_EQ(crc("123456789", 0), 0xE3069283u);
    EXPECT_EQ(crc(std::string(32, '\0'), 0), 0x8A9136AAu);
    EXPECT_EQ(crc(std::string(32, '\xFF'), 0), 0x62A8AB43u);
    EXPECT_EQ(crc("6789", crc("12345", 0)), crc("123456789", 0));
  }
}

TEST(Crc32cTest, InstructionAndTablesAgree) {
  std::string bytes;
  for (int i = 0; i < 300; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
  for (size_t n = 0; n <= bytes.size(); ++n) {
    const std::string_view data = std::string_view(bytes).substr(n % 7, n - n % 7);
    ASSERT_EQ(Crc32c(data), crc32c_internal::Portable(data)) << n;
  }
}

}  // namespace
}  // namespace subex
