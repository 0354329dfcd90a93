// Access rules the API relies on: keys issued with registration, revision preconditions
// (If-Match), and the parties each event names for the feed.

#include <string>

#include "engine/inn.h"
#include "engine/test_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex::test {
namespace {

using ::testing::ElementsAre;

const std::string kHashA(64, 'a');
const std::string kHashB = std::string(63, 'b') + "0";

RegisterMember Registration(std::string inn, std::string key_hash) {
  return RegisterMember{{.name = "ООО «Липецкий завод»",
                         .region = "RU-LIP",
                         .location = kLipetsk,
                         .roles = kRoleCustomer},
                        kOperator,
                        std::move(inn),
                        {},
                        {},
                        std::move(key_hash)};
}

class AccessTest : public ExchangeTest {};

TEST_F(AccessTest, RegistrationWithAKeyHashIssuesTheKeyForTheNewMember) {
  Engine::Outcome out = Run(Registration(CompanyInn("100000001"), kHashA));
  ASSERT_FALSE(out.rejection);
  EXPECT_THAT(last_types(), ElementsAre("member.registered", "key.issued"));
  const ApiKey* key = state().key(kHashA);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->kind, KeyKind::kMember);
  EXPECT_EQ(key->member, std::get<MemberRegistered>(out.events[0].body).member);
  EXPECT_EQ(state().key(kHashB), nullptr);
}

TEST_F(AccessTest, RegistrationWithoutAKeyHashIssuesNoKey) {
  ASSERT_FALSE(Run(Registration(CompanyInn("100000001"), "")).rejection);
  EXPECT_THAT(last_types(), ElementsAre("member.registered"));
  EXPECT_TRUE(state().key_list().empty());
}

TEST_F(AccessTest, AMalformedOrReusedKeyHashIsRefusedAndChangesNothing) {
  ASSERT_FALSE(Run(Registration(CompanyInn("100000001"), kHashA)).rejection);
  const size_t members = state().members().size();
  for (const std::string& bad : {std::string(63, 'a'), std::string(64, 'A'), kHashA}) {
    Engine::Outcome out = Run(Registration(CompanyInn("100000002"), bad));
    ASSERT_TRUE(out.rejection) << bad;
    ASSERT_EQ(out.rejection->errors.size(), 1u);
    EXPECT_EQ(out.rejection->errors[0].field, "key_hash");
  }
  EXPECT_EQ(state().members().size(), members);
  EXPECT_EQ(state().key_list().size(), 1u);
}

TEST_F(AccessTest, AStaleRevisionIsRefusedAsAMismatchAndChangesNothing) {
  const MemberId supplier = Register();
  const MemberId customer = Register({.location = kVoronezh});
  const OfferId offer = Post(supplier);
  const OrderId order = Place(customer, {.quantity = 1000, .max_unit_price = 100});
  const int64_t offer_rev = this->offer(offer).revision;
  const int64_t order_rev = this->order(order).revision;
  const int64_t member_rev = member(customer).revision;

  Engine::Outcome out = Run(WithdrawOffer{supplier, offer, offer_rev + 1});
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kRevisionMismatch);
  out = Run(CancelOrder{customer, order, order_rev - 1});
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kRevisionMismatch);
  out = Run(UpdateMember{.by = customer, .member = customer, .if_match = member_rev + 5,
                         .name = "Renamed"});
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kRevisionMismatch);
  EXPECT_EQ(this->offer(offer).status, OfferStatus::kOpen);
  EXPECT_EQ(this->order(order).status, OrderStatus::kOpen);
  EXPECT_NE(member(customer).name, "Renamed");

  EXPECT_FALSE(Run(WithdrawOffer{supplier, offer, offer_rev}).rejection);
  EXPECT_FALSE(Run(CancelOrder{customer, order, order_rev}).rejection);
  EXPECT_FALSE(
      Run(UpdateMember{.by = customer, .member = customer, .if_match = member_rev, .name = "X"})
          .rejection);
}

TEST_F(AccessTest, AnotherMembersObjectIsNotFoundEvenWithTheRightRevision) {
  const MemberId supplier = Register();
  const MemberId other = Register({.location = kVoronezh});
  const OfferId offer = Post(supplier);
  Engine::Outcome out = Run(WithdrawOffer{other, offer, this->offer(offer).revision});
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kNotFound);
}

TEST_F(AccessTest, EveryEventNamesItsPartiesForTheFeed) {
  const MemberId supplier = Register();
  const MemberId customer = Register({.location = kVoronezh});
  const OfferId offer = Post(supplier);
  Place(customer, {.quantity = 8});
  const OrderId resting = Place(customer, {.quantity = 1000, .max_unit_price = 100});
  ASSERT_FALSE(Run(CancelOrder{customer, resting}).rejection);
  ASSERT_FALSE(Run(WithdrawOffer{supplier, offer}).rejection);
  for (const Event& e : events()) {
    const Parties p = PartiesOf(e.body);
    if (std::holds_alternative<ContractCreated>(e.body)) {
      EXPECT_TRUE(p.Includes(customer));
      EXPECT_TRUE(p.Includes(supplier));
    } else if (std::holds_alternative<OfferPosted>(e.body) ||
               std::holds_alternative<OfferWithdrawn>(e.body)) {
      EXPECT_TRUE(p.Includes(supplier));
      EXPECT_FALSE(p.Includes(customer));
    } else if (std::holds_alternative<OrderPlaced>(e.body) ||
               std::holds_alternative<OrderCancelled>(e.body)) {
      EXPECT_TRUE(p.Includes(customer));
      EXPECT_FALSE(p.Includes(supplier));
    }
  }
}

TEST_F(AccessTest, ABlockIsSeenByTheBlockerOnly) {
  const MemberId a = Register();
  const MemberId b = Register({.location = kVoronezh});
  ASSERT_FALSE(Run(BlockMember{a, b}).rejection);
  const Parties p = PartiesOf(events().back().body);
  EXPECT_TRUE(p.Includes(a));
  EXPECT_FALSE(p.Includes(b));
  EXPECT_FALSE(Parties{}.Includes(MemberId{}));
}

}  // namespace
}  // namespace subex::test

namespace subex::test {
namespace {

class KeysTest : public ExchangeTest {
 protected:
  MemberId Platform() {
    Engine::Outcome out = Run(RegisterMember{
        {.name = "Portal", .region = "RU-MOW", .location = kMoscow, .roles = kRolePlatform},
        kOperator,
        CompanyInn("770000001"),
        {},
        {},
        std::string(64, 'e')});
    EXPECT_FALSE(out.rejection);
    return std::get<MemberRegistered>(out.events[0].body).member;
  }
};

TEST_F(KeysTest, APlatformIsRegisteredWithAPlatformKeyAndNeverTrades) {
  const MemberId portal = Platform();
  EXPECT_EQ(state().key(std::string(64, 'e'))->kind, KeyKind::kPlatform);
  Engine::Outcome out = Run(OfferCommand(portal));
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kPermissionDenied);
  // A platform is a platform only.
  out = Run(RegisterMember{{.name = "Both",
                            .region = "RU-MOW",
                            .location = kMoscow,
                            .roles = kRolePlatform | kRoleCustomer},
                           kOperator,
                           CompanyInn("770000002")});
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->errors[0].field, "roles");
}

TEST_F(KeysTest, OnlyTheOperatorIssuesKeysAndEachKindGoesToItsOwnHolder) {
  const MemberId member = Register();
  const MemberId portal = Platform();
  const std::string h1(64, '1'), h2(64, '2'), h3(64, '3');
  EXPECT_EQ(Run(IssueKey{member, KeyKind::kMember, member, "mine", h1}).rejection->code,
            RejectCode::kPermissionDenied);
  EXPECT_TRUE(Run(IssueKey{kOperator, KeyKind::kPlatform, member, "x", h1}).rejection);
  EXPECT_TRUE(Run(IssueKey{kOperator, KeyKind::kMember, portal, "x", h1}).rejection);
  EXPECT_TRUE(Run(IssueKey{kOperator, KeyKind::kAnalyst, member, "x", h1}).rejection);
  EXPECT_FALSE(Run(IssueKey{kOperator, KeyKind::kMember, member, "ERP", h1}).rejection);
  EXPECT_FALSE(Run(IssueKey{kOperator, KeyKind::kPlatform, portal, "rotation", h2}).rejection);
  EXPECT_FALSE(Run(IssueKey{kOperator, KeyKind::kAnalyst, {}, "cluster centre", h3}).rejection);
  EXPECT_EQ(state().key(h3)->kind, KeyKind::kAnalyst);
  EXPECT_EQ(state().key(h1)->label, "ERP");
}

TEST_F(KeysTest, AMemberRevokesItsOwnMemberKeysOnlyAndOnce) {
  const MemberId a = Register();
  const MemberId b = Register({.location = kVoronezh});
  ASSERT_FALSE(Run(IssueKey{kOperator, KeyKind::kMember, a, "ERP", std::string(64, '1')}).rejection);
  const KeyId key = state().key(std::string(64, '1'))->id;
  EXPECT_EQ(Run(RevokeKey{b, key}).rejection->code, RejectCode::kNotFound);
  EXPECT_FALSE(Run(RevokeKey{a, key}).rejection);
  EXPECT_TRUE(state().key(key)->revoked);
  EXPECT_EQ(Run(RevokeKey{kOperator, key}).rejection->code, RejectCode::kFailedPrecondition);
}

TEST_F(KeysTest, AMemberAuthorisesAPlatformAndMayWithdrawIt) {
  const MemberId member = Register();
  const MemberId other = Register({.location = kVoronezh});
  const MemberId portal = Platform();
  EXPECT_EQ(Run(AuthorizePlatform{member, other}).rejection->code, RejectCode::kNotFound);
  EXPECT_FALSE(Run(AuthorizePlatform{member, portal}).rejection);
  const size_t events_before = events().size();
  EXPECT_FALSE(Run(AuthorizePlatform{member, portal}).rejection);  // Again: nothing changes.
  EXPECT_EQ(events().size(), events_before);
  EXPECT_EQ(this->member(member).platforms, std::vector<MemberId>{portal});
  EXPECT_EQ(Run(RevokePlatform{other, portal}).rejection->code, RejectCode::kNotFound);
  EXPECT_FALSE(Run(RevokePlatform{member, portal}).rejection);
  EXPECT_TRUE(this->member(member).platforms.empty());
  const Parties p = PartiesOf(events().back().body);
  EXPECT_TRUE(p.Includes(member));
  EXPECT_TRUE(p.Includes(portal));
}

}  // namespace
}  // namespace subex::test
