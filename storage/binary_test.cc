// Specification of the binary primitives (storage/binary.h): values come back exactly, and a
// Reader never reads past its end nor accepts what a Writer would not write.

#include "storage/binary.h"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(BinaryTest, ReaderRefusesToReadPastTheEnd) {
  std::string bytes;
  Writer w(bytes);
  w.PutVarint(std::numeric_limits<uint64_t>::max());
  w.PutZigzag(std::numeric_limits<int64_t>::min());
  w.PutString("steel");
  w.PutFixed64(0x0102030405060708);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Reader r(std::string_view(bytes).substr(0, n));
    uint64_t u = 0, fixed = 0;
    int64_t s = 0;
    std::string str;
    EXPECT_FALSE(r.GetVarint(&u) && r.GetZigzag(&s) && r.GetString(&str) && r.GetFixed64(&fixed))
        << n;
  }
  Reader r(bytes);
  uint64_t u = 0, fixed = 0;
  int64_t s = 0;
  std::string str;
  ASSERT_TRUE(r.GetVarint(&u) && r.GetZigzag(&s) && r.GetString(&str) && r.GetFixed64(&fixed));
  EXPECT_EQ(u, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(s, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(str, "steel");
  EXPECT_EQ(fixed, 0x0102030405060708u);
  EXPECT_TRUE(r.empty());
  uint8_t byte;
  EXPECT_FALSE(r.GetU8(&byte));
}

TEST(BinaryTest, ReaderRefusesOverlongVarintsAndAbsurdLengths) {
  uint64_t v;
  EXPECT_FALSE(Reader(std::string(10, '\x80') + '\x01').GetVarint(&v));  // Eleven bytes.
  EXPECT_FALSE(Reader(std::string(9, '\xFF') + '\x02').GetVarint(&v));   // Bit 64 set.
  std::string bytes;
  Writer(bytes).PutVarint(4);
  bytes += "abc";
  Reader r(bytes);
  std::string s;
  size_t n;
  EXPECT_FALSE(r.GetString(&s));
  EXPECT_FALSE(r.GetCount(&n));
  EXPECT_EQ(r.remaining(), bytes.size()) << "a failed read leaves the cursor where it was";
}

}  // namespace
}  // namespace subex
