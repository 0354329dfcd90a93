// Specification of eligibility (PRODUCT §3): one test per rule. Each places the same order twice
// against the same offer, once breaking the rule (no contract) and once keeping it (a contract),
// so that a matcher without the rule fails the test.

#include "engine/eligibility.h"

#include "engine/geo.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::At;
using test::D;
using test::kLipetsk;
using test::kMoscow;
using test::kNaberezhnyeChelny;
using test::kVoronezh;
using test::OrderSpec;

class EligibilityTest : public test::ExchangeTest {
 protected:
  EligibilityTest() : supplier_(Register({.name = "Supplier"})),
                      customer_(Register({.name = "Customer"})) {}

  MemberId supplier_;
  MemberId customer_;
};

TEST_F(EligibilityTest, ProcessOrderAtANodeIsServedByCapacityBelowIt) {
  OfferId offer = Post(supplier_, {.process = "machining.milling.cnc_5axis"});
  OrderId milling = Place(customer_, {.process = "machining.milling"});
  EXPECT_EQ(Allocated(milling), 16);
  ASSERT_EQ(ContractsOf(milling).size(), 1u);
  EXPECT_EQ(ContractsOf(milling)[0]->offer, offer);
  OrderId machining = Place(customer_, {.process = "machining"});
  EXPECT_EQ(Allocated(machining), 16);
}

TEST_F(EligibilityTest, ProcessOrderBelowTheOfferIsNotServed) {
  Post(supplier_, {.process = "machining.milling"});
  OrderId five_axis = Place(customer_, {.process = "machining.milling.cnc_5axis"});
  EXPECT_EQ(Allocated(five_axis), 0);
  EXPECT_EQ(order(five_axis).status, OrderStatus::kOpen);
  OrderId turning = Place(customer_, {.process = "machining.turning"});
  EXPECT_EQ(Allocated(turning), 0);
  OrderId milling = Place(customer_, {.process = "machining.milling"});
  EXPECT_EQ(Allocated(milling), 16);
}

TEST_F(EligibilityTest, PriceAtMostMaxUnitPrice) {
  Post(supplier_, {.unit_price = 300000});
  EXPECT_EQ(Allocated(Place(customer_, {.max_unit_price = 299999})), 0);
  EXPECT_EQ(Allocated(Place(customer_, {.max_unit_price = 300000})), 16);
}

TEST_F(EligibilityTest, DistanceAtMostMaxDistance) {
  // Lipetsk to Voronezh is 107.787 km.
  MemberId voronezh = Register({.location = kVoronezh});
  Post(voronezh);
  EXPECT_EQ(Allocated(Place(customer_, {.max_distance_km = 107.7})), 0);
  OrderId near = Place(customer_, {.max_distance_km = 107.9});
  EXPECT_EQ(Allocated(near), 16);
  EXPECT_NEAR(ContractsOf(near)[0]->score.distance_km, 107.787205, 1e-5);
}

TEST_F(EligibilityTest, DistanceIsMeasuredFromTheOrderLocation) {
  // The customer sits in Moscow (467 km from Voronezh) and orders delivery to Lipetsk (108 km).
  MemberId voronezh = Register({.location = kVoronezh});
  MemberId moscow = Register({.location = kMoscow});
  Post(voronezh);
  EXPECT_EQ(Allocated(Place(moscow, {.max_distance_km = 150})), 0);
  EXPECT_EQ(Allocated(Place(moscow, {.location = kLipetsk, .max_distance_km = 150})), 16);
}

TEST_F(EligibilityTest, SupplierHoldsEveryRequiredCertification) {
  Register({.certifications = {"IATF16949", "ISO9001"}});  // Makes both names known.
  Post(supplier_);
  EXPECT_EQ(Allocated(Place(customer_, {.certifications = {"ISO9001"}})), 0);
  UpdateMember update;
  update.member = supplier_;
  update.certifications = std::vector<std::string>{"AS9100", "ISO9001"};
  ASSERT_FALSE(Run(update).rejection);
  EXPECT_EQ(Allocated(Place(customer_, {.certifications = {"ISO9001", "IATF16949"}})), 0);
  EXPECT_EQ(Allocated(Place(customer_, {.certifications = {"ISO9001"}})), 16);
}

TEST_F(EligibilityTest, OfferTagsCoverTheOrderTags) {
  Post(supplier_, {.process = "casting.steel", .tags = {"titanium"}});  // Makes the name known.
  Post(supplier_, {.tags = {"steel", "aluminium"}});
  EXPECT_EQ(Allocated(Place(customer_, {.tags = {"steel", "titanium"}})), 0);
  EXPECT_EQ(Allocated(Place(customer_, {.tags = {"steel"}})), 16);
  EXPECT_EQ(Allocated(Place(customer_, {.tags = {"aluminium", "steel"}})), 16);
}

TEST_F(EligibilityTest, NeedsAreMetByTheOfferLimits) {
  Post(supplier_, {.process = "casting.steel", .limits = {{"max_mass_kg", 500}}});
  Post(supplier_, {.limits = {{"max_length_mm", 1200}, {"tolerance_it", 7}}});
  // A limit the offer does not have.
  EXPECT_EQ(Allocated(Place(customer_, {.needs = {{"max_mass_kg", 50}}})), 0);
  // A limit that is too small.
  EXPECT_EQ(Allocated(Place(customer_, {.needs = {{"max_length_mm", 1300}}})), 0);
  // Reaching the need exactly is enough.
  EXPECT_EQ(Allocated(Place(customer_, {.needs = {{"max_length_mm", 1200}}})), 16);
  EXPECT_EQ(Allocated(Place(customer_, {.needs = {{"tolerance_it", 7}, {"max_length_mm", 900}}})),
            16);
}

TEST_F(EligibilityTest, SupplierIsNotTheCustomer) {
  MemberId both = Register({.roles = kRoleCustomer | kRoleSupplier});
  Post(both);
  EXPECT_EQ(Allocated(Place(both)), 0);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
}

TEST_F(EligibilityTest, CustomerBlockingTheSupplierExcludesIt) {
  Post(supplier_);
  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = supplier_}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  ASSERT_FALSE(Run(UnblockMember{.by = customer_, .other = supplier_}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
}

TEST_F(EligibilityTest, SupplierBlockingTheCustomerExcludesIt) {
  Post(supplier_);
  ASSERT_FALSE(Run(BlockMember{.by = supplier_, .other = customer_}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  ASSERT_FALSE(Run(UnblockMember{.by = supplier_, .other = customer_}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
}

TEST_F(EligibilityTest, BlockingAlsoKeepsANewOfferFromARestingOrder) {
  OrderId resting = Place(customer_);
  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = supplier_}).rejection);
  Post(supplier_);
  EXPECT_EQ(Allocated(resting), 0);
  Post(Register());
  EXPECT_EQ(Allocated(resting), 16);
}

TEST_F(EligibilityTest, SuspendedSupplierIsNotMatchedThroughTheLastDay) {
  Post(supplier_);
  ASSERT_FALSE(Run(SuspendMember{.member = supplier_, .until = D("2026-11-25")}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  AdvanceTo("2026-11-25T23:59:59Z");
  EXPECT_EQ(Allocated(Place(customer_)), 0) << "the last day of a suspension is inclusive";
  EXPECT_TRUE(TickAt("2026-11-26T00:00:00Z").empty());
  EXPECT_EQ(Allocated(Place(customer_)), 16) << "the day after, the supplier trades again";
}

TEST_F(EligibilityTest, LiftedSuspensionServesAtOnce) {
  Post(supplier_);
  ASSERT_FALSE(Run(SuspendMember{.member = supplier_, .until = D("2026-11-30")}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  ASSERT_FALSE(Run(SuspendMember{.member = supplier_, .until = std::nullopt}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
}

TEST_F(EligibilityTest, ClusterVisibilityReachesOnlyMembersOfTheClusters) {
  ClusterId lipetsk = AddCluster("Lipetsk machine-building cluster");
  ClusterId kazan = AddCluster("Kama cluster", {supplier_});
  Post(supplier_);
  OrderSpec hidden{.visibility = Visibility::kClusters, .visible_to_clusters = {lipetsk}};
  EXPECT_EQ(Allocated(Place(customer_, hidden)), 0);
  Join(lipetsk, supplier_);
  EXPECT_EQ(Allocated(Place(customer_, hidden)), 16);
  OrderSpec either{.visibility = Visibility::kClusters, .visible_to_clusters = {lipetsk, kazan}};
  EXPECT_EQ(Allocated(Place(customer_, either)), 16);
}

TEST_F(EligibilityTest, InvitedVisibilityReachesOnlyTheInvited) {
  MemberId other = Register();
  Post(supplier_);
  EXPECT_EQ(Allocated(Place(customer_, {.visibility = Visibility::kInvited, .invited = {other}})),
            0);
  EXPECT_EQ(Allocated(Place(customer_, {.visibility = Visibility::kInvited,
                                        .invited = {other, supplier_}})),
            16);
}

TEST_F(EligibilityTest, PublicVisibilityReachesEveryone) {
  AddCluster("Lipetsk machine-building cluster", {customer_});
  Post(supplier_);  // The supplier is in no cluster.
  EXPECT_EQ(Allocated(Place(customer_, {.visibility = Visibility::kPublic})), 16);
}

TEST_F(EligibilityTest, ExpiredOrderDoesNotTakeANewOffer) {
  // Three resting orders at the same price: the oldest expires at noon, the next a second later.
  OrderId expiring = Place(customer_, {.expires_at = At("2026-11-24T12:00:00Z")});
  OrderId just_alive = Place(customer_, {.expires_at = At("2026-11-24T12:00:01Z")});
  OrderId later = Place(customer_);
  AdvanceTo("2026-11-24T12:00:00Z");  // No tick yet: the order still rests.
  EXPECT_EQ(order(expiring).status, OrderStatus::kOpen);
  Post(supplier_);
  EXPECT_EQ(Allocated(expiring), 0);
  EXPECT_EQ(Allocated(just_alive), 16);
  EXPECT_EQ(Allocated(later), 16);
}

TEST_F(EligibilityTest, TransitDaysCanLeaveNoUsableDay) {
  // Naberezhnye Chelny to Lipetsk is 903 km: 2 transit days at 500 km a day.
  MemberId chelny = Register({.location = kNaberezhnyeChelny});
  Post(chelny, {.from = D("2026-12-10"), .to = D("2026-12-12")});
  // Due on the 11th, production must end by the 9th: before the offer's first day.
  EXPECT_EQ(Allocated(Place(customer_, {.due = D("2026-12-11")})), 0);
  // Due on the 13th, the 10th and 11th remain.
  OrderId later = Place(customer_, {.due = D("2026-12-13")});
  EXPECT_EQ(Allocated(later), 16);
  EXPECT_EQ(ContractsOf(later)[0]->days,
            (std::vector<DayQuantity>{{D("2026-12-10"), 8}, {D("2026-12-11"), 8}}));
}

TEST_F(EligibilityTest, UsableWindowStartsNoEarlierThanToday) {
  // Today is 2026-11-23; the offer and the order both began earlier.
  Post(supplier_, {.from = D("2026-11-20"), .to = D("2026-11-24")});
  OrderId o = Place(customer_, {.quantity = 40, .start = D("2026-11-20"), .due = D("2026-11-24")});
  EXPECT_EQ(Allocated(o), 16);
  EXPECT_EQ(ContractsOf(o)[0]->days,
            (std::vector<DayQuantity>{{D("2026-11-23"), 8}, {D("2026-11-24"), 8}}));
}

TEST_F(EligibilityTest, FreeCapacityBelowMinLotIsSkipped) {
  Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});  // 16 free.
  EXPECT_EQ(Allocated(Place(customer_, {.quantity = 40, .min_lot = 20})), 0);
  EXPECT_EQ(Allocated(Place(customer_, {.quantity = 40, .min_lot = 16})), 16);
}

TEST_F(EligibilityTest, CheckEligibilityNamesTheFailingRule) {
  MemberId voronezh = Register({.location = kVoronezh});  // 107.787 km from the customer.
  OrderId ok = Place(customer_, {.quantity = 8});
  OrderId cheap = Place(customer_, {.max_unit_price = 200000});
  OrderId close = Place(customer_, {.max_distance_km = 50});
  OrderId turning = Place(customer_, {.process = "machining.turning"});
  OrderId urgent = Place(customer_, {.start = D("2026-12-01"), .due = D("2026-12-01")});
  OrderId own = Place(voronezh);
  OfferId offer_id = Post(voronezh, {.from = D("2026-12-01"), .to = D("2026-12-10")});
  const CapacityOffer& f = offer(offer_id);
  const Member& s = member(voronezh);

  auto reason = [&](OrderId o, Instant at) {
    return CheckEligibility(state(), order(o), f, s, at).reason;
  };
  Fit fit = CheckEligibility(state(), order(ok), f, s, now_);
  EXPECT_EQ(fit.reason, Ineligible::kNone);
  EXPECT_NEAR(fit.distance_km, 107.787205, 1e-5);
  EXPECT_EQ(fit.window.from, D("2026-12-01"));
  EXPECT_EQ(fit.window.to, D("2026-12-10"));
  EXPECT_EQ(reason(cheap, now_), Ineligible::kPrice);
  EXPECT_EQ(reason(close, now_), Ineligible::kDistance);
  EXPECT_EQ(reason(turning, now_), Ineligible::kProcess);
  EXPECT_EQ(reason(urgent, now_), Ineligible::kWindow);  // Due Dec 1 less 1 transit day.
  EXPECT_EQ(reason(own, now_), Ineligible::kSameMember);
  EXPECT_EQ(reason(ok, At("2026-12-21T00:00:00Z")), Ineligible::kExpired);

  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = voronezh}).rejection);
  EXPECT_EQ(reason(ok, now_), Ineligible::kBlocked);
  ASSERT_FALSE(Run(UnblockMember{.by = customer_, .other = voronezh}).rejection);
  ASSERT_FALSE(Run(SuspendMember{.member = voronezh, .until = D("2026-11-24")}).rejection);
  EXPECT_EQ(reason(ok, now_), Ineligible::kSuspended);
  EXPECT_EQ(reason(ok, At("2026-11-25T00:00:00Z")), Ineligible::kNone);
}

TEST_F(EligibilityTest, CheckEligibilityNamesVisibilityCertificationTagsAndNeeds) {
  ClusterId cluster = AddCluster("Lipetsk machine-building cluster");
  OrderId hidden =
      Place(customer_, {.visibility = Visibility::kClusters, .visible_to_clusters = {cluster}});
  OrderId certified = Place(customer_, {.certifications = {"ISO9001"}});
  OrderId titanium = Place(customer_, {.tags = {"titanium"}});
  OrderId longer = Place(customer_, {.needs = {{"max_length_mm", 2000}}});
  OfferId offer_id = Post(supplier_, {.tags = {"steel"}, .limits = {{"max_length_mm", 1200}}});
  EXPECT_EQ(last_types(), std::vector<std::string>{"offer.posted"}) << "no order is eligible";
  const CapacityOffer& f = offer(offer_id);
  const Member& s = member(supplier_);
  auto reason = [&](OrderId o) { return CheckEligibility(state(), order(o), f, s, now_).reason; };
  EXPECT_EQ(reason(hidden), Ineligible::kVisibility);
  EXPECT_EQ(reason(certified), Ineligible::kCertification);
  EXPECT_EQ(reason(titanium), Ineligible::kTags);
  EXPECT_EQ(reason(longer), Ineligible::kNeeds);
}

}  // namespace
}  // namespace subex
