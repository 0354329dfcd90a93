// Specification of eligibility (PRODUCT §3): one test per rule. Each puts the same order twice
// against the same offer, once breaking the rule (no contract) and once keeping it (a contract),
// and does so both ways: orders resting on the book when the offer arrives, and orders arriving
// while the offer stands. A matcher without the rule fails the test.

#include "engine/eligibility.h"

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
using test::OfferSpec;
using test::OrderSpec;

class EligibilityTest : public test::ExchangeTest {
 protected:
  EligibilityTest()
      : supplier_(Register({.name = "Supplier"})), customer_(Register({.name = "Customer"})) {}

  // The rule both ways: `broken` and `kept` rest on the book when `offer` arrives, then arrive
  // again while it stands. Only the kept ones get their quantity. The offer must hold enough for
  // twice `kept`.
  void ExpectRule(MemberId supplier, OfferSpec offer, MemberId customer, OrderSpec broken,
                  OrderSpec kept) {
    OrderId resting_broken = Place(customer, broken);
    OrderId resting_kept = Place(customer, kept);
    Post(supplier, offer);
    EXPECT_EQ(Allocated(resting_broken), 0) << "a resting order that breaks the rule";
    EXPECT_EQ(Allocated(resting_kept), kept.quantity) << "a resting order that keeps the rule";
    EXPECT_EQ(Allocated(Place(customer, broken)), 0) << "a new order that breaks the rule";
    EXPECT_EQ(Allocated(Place(customer, kept)), kept.quantity) << "a new order that keeps it";
  }

  MemberId supplier_;
  MemberId customer_;
};

TEST_F(EligibilityTest, ProcessOrderAtANodeIsServedByCapacityBelowIt) {
  ExpectRule(supplier_, {.process = "machining.milling"}, customer_,
             {.process = "machining.milling.cnc_5axis"}, {.process = "machining.milling"});
  // Served from below: an order for milling (or for all of machining) by a 5-axis offer.
  OfferId five_axis =
      Post(Register(), {.process = "machining.milling.cnc_5axis", .unit_price = 200000});
  OrderId milling = Place(customer_, {.process = "machining.milling"});
  EXPECT_EQ(ContractOf(milling).offer, five_axis);
  OrderId machining = Place(customer_, {.process = "machining"});
  EXPECT_EQ(ContractOf(machining).offer, five_axis);
}

TEST_F(EligibilityTest, ProcessSiblingIsNotServed) {
  ExpectRule(supplier_, {.process = "machining.milling"}, customer_,
             {.process = "machining.turning"}, {.process = "machining"});
}

TEST_F(EligibilityTest, PriceAtMostMaxUnitPrice) {
  ExpectRule(supplier_, {.unit_price = 300000}, customer_, {.max_unit_price = 299999},
             {.max_unit_price = 300000});
}

TEST_F(EligibilityTest, DistanceAtMostMaxDistance) {
  // Lipetsk to Voronezh is 107.787 km.
  MemberId voronezh = Register({.location = kVoronezh});
  ExpectRule(voronezh, {}, customer_, {.max_distance_km = 107.7}, {.max_distance_km = 107.9});
  OrderId near = Place(customer_, {.max_distance_km = 107.9});
  EXPECT_NEAR(ContractOf(near).score.distance_km, 107.787205, 1e-5);
}

TEST_F(EligibilityTest, DistanceIsMeasuredFromTheOrderLocation) {
  // The customer sits in Moscow (467 km from Voronezh) and orders delivery to Lipetsk (108 km).
  MemberId voronezh = Register({.location = kVoronezh});
  MemberId moscow = Register({.location = kMoscow});
  ExpectRule(voronezh, {}, moscow, {.max_distance_km = 150},
             {.location = kLipetsk, .max_distance_km = 150});
}

TEST_F(EligibilityTest, SupplierHoldsEveryRequiredCertification) {
  Register({.certifications = {"IATF16949", "ISO9001"}});  // Both names are known.
  MemberId certified = Register({.certifications = {"AS9100", "ISO9001"}});
  ExpectRule(supplier_, {}, customer_, {.certifications = {"ISO9001"}}, {});
  ExpectRule(certified, {}, customer_, {.certifications = {"IATF16949", "ISO9001"}},
             {.certifications = {"ISO9001"}});
}

TEST_F(EligibilityTest, CertificationsGainedCountAtOnce) {
  Post(supplier_);
  EXPECT_EQ(Allocated(Place(customer_, {.certifications = {"ISO9001"}})), 0);
  UpdateMember update;
  update.member = supplier_;
  update.certifications = std::vector<std::string>{"AS9100", "ISO9001"};
  ASSERT_FALSE(Run(update).rejection);
  EXPECT_EQ(Allocated(Place(customer_, {.certifications = {"ISO9001"}})), 16);
}

TEST_F(EligibilityTest, OfferTagsCoverTheOrderTags) {
  Post(Register(), {.process = "casting.steel", .tags = {"titanium"}});  // The name is known.
  ExpectRule(supplier_, {.tags = {"steel", "aluminium"}}, customer_,
             {.tags = {"steel", "titanium"}}, {.tags = {"aluminium", "steel"}});
  EXPECT_EQ(Allocated(Place(customer_, {.tags = {"steel"}})), 16);
}

TEST_F(EligibilityTest, NeedsMissingFromTheOfferLimits) {
  Post(Register(), {.process = "casting.steel", .limits = {{"max_mass_kg", 500}}});
  ExpectRule(supplier_, {.limits = {{"max_length_mm", 1200}, {"tolerance_it", 7}}}, customer_,
             {.needs = {{"max_mass_kg", 50}}},
             {.needs = {{"tolerance_it", 7}, {"max_length_mm", 900}}});
}

TEST_F(EligibilityTest, NeedsAboveTheOfferLimit) {
  // Reaching the need exactly is enough.
  ExpectRule(supplier_, {.limits = {{"max_length_mm", 1200}}}, customer_,
             {.needs = {{"max_length_mm", 1300}}}, {.needs = {{"max_length_mm", 1200}}});
}

TEST_F(EligibilityTest, SupplierIsNotTheCustomer) {
  MemberId both = Register({.roles = kRoleCustomer | kRoleSupplier});
  OrderId own_resting = Place(both);
  OrderId other_resting = Place(customer_);
  Post(both);
  EXPECT_EQ(Allocated(own_resting), 0);
  EXPECT_EQ(Allocated(other_resting), 16);
  EXPECT_EQ(Allocated(Place(both)), 0);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
}

TEST_F(EligibilityTest, CustomerBlockingTheSupplierExcludesIt) {
  MemberId blocked = Register();
  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = blocked}).rejection);
  OrderId resting = Place(customer_);
  Post(blocked);
  EXPECT_EQ(Allocated(resting), 0);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  ASSERT_FALSE(Run(UnblockMember{.by = customer_, .other = blocked}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
  Post(supplier_);  // Not blocked: serves the order left resting.
  EXPECT_EQ(Allocated(resting), 16);
}

TEST_F(EligibilityTest, SupplierBlockingTheCustomerExcludesIt) {
  MemberId blocking = Register();
  ASSERT_FALSE(Run(BlockMember{.by = blocking, .other = customer_}).rejection);
  OrderId resting = Place(customer_);
  Post(blocking);
  EXPECT_EQ(Allocated(resting), 0);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  ASSERT_FALSE(Run(UnblockMember{.by = blocking, .other = customer_}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
  Post(supplier_);
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

TEST_F(EligibilityTest, SuspendedSupplierOfferLeavesRestingOrdersAlone) {
  // The offer is posted before the suspension; the order rests until another offer comes.
  OfferId f = Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-01")});
  ASSERT_FALSE(Run(SuspendMember{.member = supplier_, .until = D("2026-11-30")}).rejection);
  OrderId resting = Place(customer_, {.quantity = 8});
  EXPECT_EQ(Allocated(resting), 0);
  EXPECT_EQ(offer(f).calendar.free_total(), 8);
  Post(Register());
  EXPECT_EQ(Allocated(resting), 8);
}

TEST_F(EligibilityTest, LiftedSuspensionServesAtOnce) {
  Post(supplier_);
  ASSERT_FALSE(Run(SuspendMember{.member = supplier_, .until = D("2026-11-30")}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  ASSERT_FALSE(Run(SuspendMember{.member = supplier_, .until = std::nullopt}).rejection);
  EXPECT_EQ(Allocated(Place(customer_)), 16);
}

TEST_F(EligibilityTest, ClusterVisibilityReachesOnlyMembersOfTheClusters) {
  ClusterId lipetsk = AddCluster("Lipetsk machine-building cluster", {supplier_});
  ClusterId kama = AddCluster("Kama cluster");
  ExpectRule(supplier_, {}, customer_,
             {.visibility = Visibility::kClusters, .visible_to_clusters = {kama}},
             {.visibility = Visibility::kClusters, .visible_to_clusters = {kama, lipetsk}});
}

TEST_F(EligibilityTest, JoiningTheClusterMakesTheOrderVisible) {
  ClusterId lipetsk = AddCluster("Lipetsk machine-building cluster");
  Post(supplier_);
  OrderSpec hidden{.visibility = Visibility::kClusters, .visible_to_clusters = {lipetsk}};
  EXPECT_EQ(Allocated(Place(customer_, hidden)), 0);
  Join(lipetsk, supplier_);
  EXPECT_EQ(Allocated(Place(customer_, hidden)), 16);
}

TEST_F(EligibilityTest, InvitedVisibilityReachesOnlyTheInvited) {
  MemberId other = Register();
  ExpectRule(supplier_, {}, customer_, {.visibility = Visibility::kInvited, .invited = {other}},
             {.visibility = Visibility::kInvited, .invited = {other, supplier_}});
}

TEST_F(EligibilityTest, PublicVisibilityReachesEveryone) {
  AddCluster("Lipetsk machine-building cluster", {customer_});
  // The supplier is in no cluster and invited by nobody.
  OrderId resting = Place(customer_, {.visibility = Visibility::kPublic});
  Post(supplier_);
  EXPECT_EQ(Allocated(resting), 16);
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
  // Naberezhnye Chelny to Lipetsk is 903 km: 2 transit days at 500 km a day. With the offer's
  // days Dec 10-12, an order due on the 11th must be produced by the 9th: no usable day. Due on
  // the 13th, the 10th and 11th remain.
  MemberId chelny = Register({.location = kNaberezhnyeChelny});
  ExpectRule(chelny, {.daily_capacity = 16, .from = D("2026-12-10"), .to = D("2026-12-12")},
             customer_, {.due = D("2026-12-11")}, {.due = D("2026-12-13")});
  OrderId third = Place(customer_, {.due = D("2026-12-13")});
  EXPECT_EQ(Allocated(third), 0) << "the 10th and 11th are taken";
}

TEST_F(EligibilityTest, TransitDaysDecideWhichDaysAreUsed) {
  MemberId chelny = Register({.location = kNaberezhnyeChelny});
  Post(chelny, {.from = D("2026-12-10"), .to = D("2026-12-12")});
  OrderId o = Place(customer_, {.due = D("2026-12-13")});
  EXPECT_EQ(ContractOf(o).days,
            (std::vector<DayQuantity>{{D("2026-12-10"), 8}, {D("2026-12-11"), 8}}));
}

TEST_F(EligibilityTest, UsableWindowStartsNoEarlierThanToday) {
  // Today is 2026-11-23; the offer and the order both began earlier.
  Post(supplier_, {.from = D("2026-11-20"), .to = D("2026-11-24")});
  OrderId o = Place(customer_, {.quantity = 40, .start = D("2026-11-20"), .due = D("2026-11-24")});
  EXPECT_EQ(Allocated(o), 16);
  EXPECT_EQ(ContractOf(o).days,
            (std::vector<DayQuantity>{{D("2026-11-23"), 8}, {D("2026-11-24"), 8}}));
}

TEST_F(EligibilityTest, FreeCapacityBelowMinLotIsSkipped) {
  // An offer arriving with 16 free: an order for 40 in lots of at least 20 cannot use it, one in
  // lots of 16 can.
  OrderId resting_broken = Place(customer_, {.quantity = 40, .min_lot = 20});
  OrderId resting_kept = Place(customer_, {.quantity = 40, .min_lot = 16});
  Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});
  EXPECT_EQ(Allocated(resting_broken), 0);
  EXPECT_EQ(Allocated(resting_kept), 16);
  // Orders arriving at another 16 free, for turning, which the resting orders do not want.
  Post(supplier_, {.process = "machining.turning", .from = D("2026-12-01"), .to = D("2026-12-02")});
  EXPECT_EQ(
      Allocated(Place(customer_, {.process = "machining.turning", .quantity = 40, .min_lot = 20})),
      0);
  EXPECT_EQ(
      Allocated(Place(customer_, {.process = "machining.turning", .quantity = 40, .min_lot = 16})),
      16);
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
