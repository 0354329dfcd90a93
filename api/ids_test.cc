#include "api/ids.h"

#include <set>

#include "gtest/gtest.h"

namespace subex {
namespace {

TEST(PublicIdTest, HasKindPrefixAndSevenLowercaseCrockfordCharacters) {
  std::string id = PublicId(OrderId{41});
  ASSERT_EQ(id.size(), 9u);
  EXPECT_EQ(id.substr(0, 2), "o_");
  for (char c : id.substr(2)) {
    EXPECT_NE(std::string_view("0123456789abcdefghjkmnpqrstvwxyz").find(c), std::string::npos)
        << id;
  }
  EXPECT_EQ(PublicId(MemberId{0}).substr(0, 2), "m_");
  EXPECT_EQ(PublicId(ClusterId{0}).substr(0, 2), "k_");
  EXPECT_EQ(PublicId(OfferId{0}).substr(0, 2), "f_");
  EXPECT_EQ(PublicId(ContractId{0}).substr(0, 2), "c_");
}

TEST(PublicIdTest, RoundTripsEveryIndexIncludingTheExtremes) {
  for (uint32_t i : {0u, 1u, 2u, 41u, 1'000'000u, 0x7fffffffu, 0xfffffffeu}) {
    EXPECT_EQ(ParsePublicId<MemberId>(PublicId(MemberId{i})), MemberId{i}) << i;
    EXPECT_EQ(ParsePublicId<ClusterId>(PublicId(ClusterId{i})), ClusterId{i}) << i;
    EXPECT_EQ(ParsePublicId<OfferId>(PublicId(OfferId{i})), OfferId{i}) << i;
    EXPECT_EQ(ParsePublicId<OrderId>(PublicId(OrderId{i})), OrderId{i}) << i;
    EXPECT_EQ(ParsePublicId<ContractId>(PublicId(ContractId{i})), ContractId{i}) << i;
  }
  for (uint32_t i = 0; i < 100'000; ++i) {
    ASSERT_EQ(ParsePublicId<OfferId>(PublicId(OfferId{i})), OfferId{i}) << i;
  }
}

TEST(PublicIdTest, RejectsMalformedIds) {
  std::string good = PublicId(MemberId{7});
  ASSERT_TRUE(ParsePublicId<MemberId>(good));
  EXPECT_FALSE(ParsePublicId<OrderId>(good));  // Wrong kind.
  EXPECT_FALSE(ParsePublicId<MemberId>(""));
  EXPECT_FALSE(ParsePublicId<MemberId>("m_"));
  EXPECT_FALSE(ParsePublicId<MemberId>(good.substr(0, 8)));      // Too short.
  EXPECT_FALSE(ParsePublicId<MemberId>(good + "0"));             // Too long.
  EXPECT_FALSE(ParsePublicId<MemberId>("M_" + good.substr(2)));  // Prefix is case-sensitive.
  EXPECT_FALSE(ParsePublicId<MemberId>("m-" + good.substr(2)));
  EXPECT_FALSE(ParsePublicId<MemberId>("m_000000i"));  // Not in the alphabet.
  EXPECT_FALSE(ParsePublicId<MemberId>("m_000000u"));
  EXPECT_FALSE(ParsePublicId<MemberId>("m_000000A"));  // Upper case.
  EXPECT_FALSE(ParsePublicId<MemberId>("m_00000 0"));
  EXPECT_FALSE(ParsePublicId<MemberId>("m_8000000"));  // Above 32 bits.
  EXPECT_FALSE(ParsePublicId<MemberId>("m_zzzzzzz"));
  EXPECT_FALSE(ParsePublicId<MemberId>(std::string_view("m_000000\0", 9)));
}

TEST(PublicIdTest, TheNoneValueHasNoPublicForm) {
  // The one spelling that would decode to MemberId::kNone is rejected.
  EXPECT_FALSE(ParsePublicId<MemberId>(PublicId(MemberId{MemberId::kNone})));
}

TEST(PublicIdTest, ConsecutiveIndexesGiveUnrelatedLookingIds) {
  std::set<std::string> seen;
  int shared_prefix = 0;
  int64_t changed_chars = 0;
  for (uint32_t i = 0; i < 1000; ++i) {
    std::string a = PublicId(OrderId{i});
    std::string b = PublicId(OrderId{i + 1});
    seen.insert(a);
    if (a.substr(0, 6) == b.substr(0, 6)) ++shared_prefix;
    for (size_t k = 2; k < a.size(); ++k) changed_chars += a[k] != b[k];
  }
  EXPECT_EQ(seen.size(), 1000u);
  EXPECT_LT(shared_prefix, 20);        // A counter would share six of seven characters.
  EXPECT_GT(changed_chars, 1000 * 5);  // On average most characters differ.
  // The same index gives different ids for different kinds.
  EXPECT_NE(PublicId(OrderId{5}).substr(2), PublicId(OfferId{5}).substr(2));
}

}  // namespace
}  // namespace subex
