// Specification of rfq mode (PRODUCT §4): the terms of an rfq order, its announcement to the
// eligible suppliers, sealed bids, the close by time, the automatic and the manual award, and the
// lapse of an award nobody made. Every test ends by checking the invariants and that the events
// replay to the same state.

#include <algorithm>
#include <string>
#include <vector>

#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "engine/test_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace subex::test {
namespace {

using ::testing::ElementsAre;

class RfqTest : public ExchangeTest {
 protected:
  void SetUp() override { customer_ = Register({.roles = kRoleCustomer}); }

  void TearDown() override {
    EXPECT_TRUE(CheckInvariants(state()).empty());
    Engine replayed(SmallTaxonomy(), Params{});
    for (const Event& e : events()) replayed.Replay(e);
    EXPECT_EQ(StateHash(replayed.state()), StateHash(state()));
  }

  MemberId Supplier(MemberSpec spec = {}) {
    spec.roles = kRoleSupplier;
    return Register(std::move(spec));
  }

  // An rfq order for 16 machine-hours of milling, due 2026-12-20, bids closing on 2026-11-25.
  OrderSpec Rfq(OrderSpec spec = {}) {
    spec.mode = OrderMode::kRfq;
    if (!spec.bids_close_at) spec.bids_close_at = At("2026-11-25T12:00:00Z");
    return spec;
  }

  OrderId PlaceRfq(OrderSpec spec = {}) { return Place(customer_, Rfq(std::move(spec))); }

  PlaceBid BidCommand(MemberId supplier, OrderId order, Kopecks price = 300000,
                      Quantity quantity = 16, int32_t lead_days = 10,
                      std::optional<OfferId> offer = {}) {
    return PlaceBid{{.unit_price = price, .quantity = quantity, .lead_days = lead_days},
                    supplier,
                    order,
                    offer};
  }

  BidId PlaceABid(MemberId supplier, OrderId order, Kopecks price = 300000, Quantity quantity = 16,
                  int32_t lead_days = 10, std::optional<OfferId> offer = {}) {
    Engine::Outcome out = Run(BidCommand(supplier, order, price, quantity, lead_days, offer));
    if (out.rejection) {
      ADD_FAILURE() << "PlaceBid rejected: " << out.rejection->message;
      return BidId{};
    }
    return std::get<BidPlaced>(out.events.front().body).bid;
  }

  const Bid& bid(BidId id) const {
    static const Bid kEmpty{};
    const Bid* b = state().bid(id);
    if (b == nullptr) ADD_FAILURE() << "no bid #" << id.value;
    return b ? *b : kEmpty;
  }

  template <typename E>
  const E* Last() const {
    for (auto it = events().rbegin(); it != events().rend(); ++it) {
      if (const E* e = std::get_if<E>(&it->body)) return e;
    }
    return nullptr;
  }

  std::vector<std::string> ErrorFields(const Engine::Outcome& out) {
    std::vector<std::string> fields;
    if (out.rejection) {
      for (const FieldError& e : out.rejection->errors) fields.push_back(e.field);
    }
    return fields;
  }

  MemberId customer_;
};

// --- The order's terms ---

TEST_F(RfqTest, AnRfqOrderNeedsACloseInTheFutureBeforeTheDueDay) {
  OrderSpec none = Rfq();
  none.bids_close_at.reset();
  EXPECT_THAT(ErrorFields(Run(OrderCommand(customer_, none))), ElementsAre("bids_close_at"));
  EXPECT_THAT(
      ErrorFields(Run(OrderCommand(customer_, Rfq({.bids_close_at = At("2026-11-23T07:00:00Z")})))),
      ElementsAre("bids_close_at"));
  EXPECT_THAT(
      ErrorFields(Run(OrderCommand(customer_, Rfq({.bids_close_at = At("2026-12-20T00:00:00Z")})))),
      ElementsAre("bids_close_at"));
  EXPECT_TRUE(state().orders().empty());
}

TEST_F(RfqTest, AwardByBelongsToManualAwardsAndFallsAfterTheClose) {
  EXPECT_THAT(
      ErrorFields(Run(OrderCommand(customer_, Rfq({.award_by = At("2026-11-28T00:00:00Z")})))),
      ElementsAre("award_by"));
  EXPECT_THAT(
      ErrorFields(Run(OrderCommand(
          customer_, Rfq({.award = AwardMode::kManual, .award_by = At("2026-11-25T11:00:00Z")})))),
      ElementsAre("award_by"));
  EXPECT_THAT(
      ErrorFields(Run(OrderCommand(customer_, {.bids_close_at = At("2026-11-25T12:00:00Z")}))),
      ElementsAre("bids_close_at"));
}

TEST_F(RfqTest, AManualAwardIsDueSeventyTwoHoursAfterTheCloseByDefault) {
  OrderId o = PlaceRfq({.max_unit_price = 0, .award = AwardMode::kManual});
  EXPECT_EQ(order(o).status, OrderStatus::kBidding);
  EXPECT_EQ(order(o).award_by, At("2026-11-28T12:00:00Z"));
}

TEST_F(RfqTest, TheDefaultAwardDeadlineNeverPassesTheDueDay) {
  OrderId o =
      PlaceRfq({.start = D("2026-11-24"), .due = D("2026-11-26"), .award = AwardMode::kManual});
  EXPECT_EQ(order(o).award_by, At("2026-11-27T00:00:00Z"));
}

// --- Announcement ---

TEST_F(RfqTest, AnRfqOrderIsAnnouncedToTheEligibleSuppliersOnly) {
  MemberId near = Supplier({.certifications = {"ISO9001"}});
  MemberId far = Supplier({.location = kYekaterinburg, .certifications = {"ISO9001"}});
  MemberId uncertified = Supplier();
  MemberId casting_only = Supplier({.processes = {"casting"}, .certifications = {"ISO9001"}});
  MemberId turning =
      Supplier({.processes = {"machining.milling.cnc_5axis"}, .certifications = {"ISO9001"}});
  MemberId blocked = Supplier({.certifications = {"ISO9001"}});
  MemberId blocking = Supplier({.certifications = {"ISO9001"}});
  MemberId suspended = Supplier({.certifications = {"ISO9001"}});
  MemberId customer_only = Register({.roles = kRoleCustomer, .certifications = {"ISO9001"}});
  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = blocked}).rejection);
  ASSERT_FALSE(Run(BlockMember{.by = blocking, .other = customer_}).rejection);
  ASSERT_FALSE(Run(SuspendMember{.member = suspended, .until = D("2026-12-31")}).rejection);

  OrderId o = PlaceRfq({.max_distance_km = 800, .certifications = {"ISO9001"}});
  EXPECT_THAT(last_types(), ElementsAre("order.placed", "order.announced"));
  const OrderAnnounced* a = Last<OrderAnnounced>();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->order, o);
  EXPECT_THAT(a->suppliers, ElementsAre(near, turning));
  for (MemberId m : {near, turning, customer_}) EXPECT_TRUE(MaySee(*a, m)) << m.value;
  for (MemberId m : {far, uncertified, casting_only, blocked, blocking, suspended, customer_only}) {
    EXPECT_FALSE(MaySee(*a, m)) << m.value;
  }
}

TEST_F(RfqTest, AnInvitedOrderIsAnnouncedToTheInvitedOnly) {
  MemberId invited = Supplier();
  Supplier();
  PlaceRfq({.visibility = Visibility::kInvited, .invited = {invited}});
  EXPECT_THAT(Last<OrderAnnounced>()->suppliers, ElementsAre(invited));
}

TEST_F(RfqTest, AnOrderNamingTagsIsAnnouncedToSuppliersWithAnOfferCarryingThem) {
  MemberId steel = Supplier();
  MemberId titanium = Supplier();
  MemberId no_offer = Supplier();
  Post(steel, {.tags = {"steel"}});
  Post(titanium, {.tags = {"titanium"}});
  PlaceRfq({.tags = {"steel"}});
  EXPECT_THAT(Last<OrderAnnounced>()->suppliers, ElementsAre(steel));
  (void)no_offer;
}

class CappedAnnouncementTest : public RfqTest {
 protected:
  CappedAnnouncementTest() {
    Params params;
    params.limits.max_announced = 2;
    engine_ = Engine(SmallTaxonomy(), params);
  }
};

TEST_F(CappedAnnouncementTest, TheAnnouncementIsCappedToTheNearestSuppliers) {
  MemberId kazan = Supplier({.location = kKazan});
  MemberId lipetsk = Supplier({.location = kLipetsk});
  MemberId moscow = Supplier({.location = kMoscow});
  MemberId voronezh = Supplier({.location = kVoronezh});
  Place(customer_, Rfq());
  EXPECT_THAT(Last<OrderAnnounced>()->suppliers, ElementsAre(lipetsk, voronezh));
  (void)kazan;
  (void)moscow;
}

TEST_F(RfqTest, AnRfqOrderNeverRestsOnTheBook) {
  MemberId s = Supplier();
  Post(s, {.unit_price = 100});
  OrderId o = PlaceRfq({.max_unit_price = 350000});
  EXPECT_EQ(state().resting_orders().size(), 0u);
  Post(s, {.unit_price = 100});
  EXPECT_THAT(last_types(), ElementsAre("offer.posted"));
  EXPECT_EQ(Allocated(o), 0);
}

// --- Bids ---

TEST_F(RfqTest, ABidIsSealedBeforeTheClose) {
  MemberId bidder = Supplier();
  MemberId rival = Supplier();
  OrderId o = PlaceRfq();
  BidId b = PlaceABid(bidder, o);
  EXPECT_THAT(last_types(), ElementsAre("bid.placed"));
  const BidPlaced* placed = Last<BidPlaced>();
  EXPECT_TRUE(MaySee(*placed, bidder));
  EXPECT_FALSE(MaySee(*placed, customer_));
  EXPECT_FALSE(MaySee(*placed, rival));
  EXPECT_EQ(bid(b).status, BidStatus::kOpen);
  EXPECT_THAT(member(bidder).bids, ElementsAre(b));
}

TEST_F(RfqTest, AnOrderTheSupplierMayNotSeeIsNotFoundForBidding) {
  MemberId outsider = Supplier();
  MemberId blocked = Supplier();
  MemberId blocker = Supplier();
  MemberId invited = Supplier();
  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = blocked}).rejection);
  OrderId hidden =
      PlaceRfq({.visibility = Visibility::kInvited, .invited = {invited, blocked, blocker}});
  ASSERT_FALSE(Run(BlockMember{.by = blocker, .other = customer_}).rejection);
  for (MemberId m : {outsider, blocked, blocker}) {
    Engine::Outcome out = Run(BidCommand(m, hidden));
    ASSERT_TRUE(out.rejection);
    EXPECT_EQ(out.rejection->code, RejectCode::kNotFound);
  }
  EXPECT_FALSE(Run(BidCommand(invited, hidden)).rejection);
  EXPECT_EQ(Run(BidCommand(outsider, OrderId{99})).rejection->code, RejectCode::kNotFound);
}

TEST_F(RfqTest, AnAutoOrderTakesNoBids) {
  MemberId s = Supplier();
  OrderId o = Place(customer_);
  Engine::Outcome out = Run(BidCommand(s, o));
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kFailedPrecondition);
}

TEST_F(RfqTest, ABidWhoseLeadTimeMissesTheDueDayIsRefused) {
  MemberId s = Supplier();
  OrderId o = PlaceRfq();  // Closes on 2026-11-25, due 2026-12-20: 25 days.
  EXPECT_THAT(ErrorFields(Run(BidCommand(s, o, 300000, 16, 26))), ElementsAre("lead_days"));
  EXPECT_FALSE(Run(BidCommand(s, o, 300000, 16, 25)).rejection);
}

TEST_F(RfqTest, ABidKeepsWithinTheOrdersQuantityMinLotAndPriceCap) {
  MemberId s = Supplier();
  OrderId o = PlaceRfq({.max_unit_price = 350000, .min_lot = 8});
  EXPECT_THAT(ErrorFields(Run(BidCommand(s, o, 350001, 7))), ElementsAre("unit_price", "quantity"));
  EXPECT_THAT(ErrorFields(Run(BidCommand(s, o, 300000, 17))), ElementsAre("quantity"));
  EXPECT_TRUE(state().bids().empty());
}

TEST_F(RfqTest, ABidMayOnlyDrawOnTheBiddersOwnOpenOffer) {
  MemberId s = Supplier();
  MemberId other = Supplier();
  OfferId theirs = Post(other);
  OfferId withdrawn = Post(s);
  ASSERT_FALSE(Run(WithdrawOffer{.by = s, .offer = withdrawn}).rejection);
  OrderId o = PlaceRfq();
  EXPECT_THAT(ErrorFields(Run(BidCommand(s, o, 300000, 16, 10, theirs))), ElementsAre("offer"));
  EXPECT_THAT(ErrorFields(Run(BidCommand(s, o, 300000, 16, 10, withdrawn))), ElementsAre("offer"));
}

TEST_F(RfqTest, ABidOnAnOfferThatCannotServeTheOrderIsRefused) {
  MemberId s = Supplier();
  OfferId casting = Post(s, {.process = "casting.steel"});
  OrderId o = PlaceRfq();
  Engine::Outcome out = Run(BidCommand(s, o, 300000, 16, 10, casting));
  ASSERT_TRUE(out.rejection);
  EXPECT_EQ(out.rejection->code, RejectCode::kFailedPrecondition);
  EXPECT_NE(out.rejection->message.find("process"), std::string::npos) << out.rejection->message;
}

TEST_F(RfqTest, ASupplierHasOneStandingBidAndMayWithdrawItToBidAgain) {
  MemberId s = Supplier();
  OrderId o = PlaceRfq();
  BidId first = PlaceABid(s, o);
  EXPECT_EQ(Run(BidCommand(s, o, 290000)).rejection->code, RejectCode::kFailedPrecondition);
  ASSERT_FALSE(Run(WithdrawBid{.by = s, .bid = first}).rejection);
  EXPECT_EQ(bid(first).status, BidStatus::kWithdrawn);
  BidId second = PlaceABid(s, o, 290000);
  EXPECT_THAT(order(o).bids, ElementsAre(first, second));
}

TEST_F(RfqTest, OnlyTheBidderWithdrawsAndOnlyBeforeTheClose) {
  MemberId s = Supplier();
  MemberId rival = Supplier();
  OrderId o = PlaceRfq();
  BidId b = PlaceABid(s, o);
  EXPECT_EQ(Run(WithdrawBid{.by = rival, .bid = b}).rejection->code, RejectCode::kNotFound);
  EXPECT_EQ(Run(WithdrawBid{.by = customer_, .bid = b}).rejection->code, RejectCode::kNotFound);
  AdvanceTo("2026-11-25T12:00:00Z");
  EXPECT_EQ(Run(WithdrawBid{.by = s, .bid = b}).rejection->code, RejectCode::kFailedPrecondition);
  EXPECT_EQ(Run(BidCommand(rival, o)).rejection->code, RejectCode::kFailedPrecondition);
}

// --- The close and the automatic award ---

TEST_F(RfqTest, TheCloseRanksBidsByScoreAndAwardsTheBestUntilCovered) {
  MemberId cheap = Supplier();
  MemberId dear = Supplier();
  MemberId middle = Supplier();
  OrderId o = PlaceRfq({.quantity = 24, .min_lot = 8});
  BidId b_cheap = PlaceABid(cheap, o, 250000, 16);
  BidId b_dear = PlaceABid(dear, o, 330000, 24);
  BidId b_middle = PlaceABid(middle, o, 280000, 16);

  EXPECT_TRUE(TickAt("2026-11-25T11:59:59Z").empty());
  EXPECT_THAT(
      TickAt("2026-11-25T12:00:00Z"),
      ElementsAre("order.bidding_closed", "contract.created", "contract.created", "order.awarded"));
  const BiddingClosed* closed = Last<BiddingClosed>();
  ASSERT_EQ(closed->bids.size(), 3u);
  EXPECT_TRUE(MaySee(*closed, customer_));
  EXPECT_FALSE(MaySee(*closed, cheap));
  EXPECT_LT(closed->bids[0].score.total, closed->bids[2].score.total);
  EXPECT_LT(closed->bids[2].score.total, closed->bids[1].score.total);

  ASSERT_EQ(ContractsOf(o).size(), 2u);
  EXPECT_EQ(ContractOf(o, 0).bid, b_cheap);
  EXPECT_EQ(ContractOf(o, 0).quantity, 16);
  EXPECT_EQ(ContractOf(o, 0).unit_price, 250000);
  EXPECT_EQ(ContractOf(o, 1).bid, b_middle);
  EXPECT_EQ(ContractOf(o, 1).quantity, 8);
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
  EXPECT_EQ(bid(b_cheap).status, BidStatus::kAwarded);
  EXPECT_EQ(bid(b_middle).status, BidStatus::kAwarded);
  EXPECT_EQ(bid(b_dear).status, BidStatus::kLost);
  EXPECT_DOUBLE_EQ(bid(b_dear).score.unit_price, 330000);
  EXPECT_EQ(member(customer_).rfq_awarded, 1);
  EXPECT_EQ(member(customer_).rfq_unawarded, 0);
}

TEST_F(RfqTest, TransportAndReliabilityRankBidsAsTheyRankOffers) {
  MemberId near = Supplier({.location = kLipetsk});
  MemberId far = Supplier({.location = kKazan});
  OrderId o = PlaceRfq();
  PlaceABid(far, o, 299000);  // 1,000 kopecks cheaper, ~800 km farther at 40 kopecks a km.
  BidId b_near = PlaceABid(near, o, 300000);
  TickAt("2026-11-25T12:00:00Z");
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).bid, b_near);
  EXPECT_GT(ContractOf(o).score.reliability, 0);
}

TEST_F(RfqTest, AnAwardOnAnOfferReservesItsLatestFreeDaysInTheUsableWindow) {
  MemberId s = Supplier();
  OfferId f = Post(s, {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-10")});
  OrderId o = PlaceRfq();
  PlaceABid(s, o, 300000, 16, 10, f);
  TickAt("2026-11-25T12:00:00Z");
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).offer, f);
  EXPECT_THAT(ContractOf(o).days,
              ElementsAre(DayQuantity{D("2026-12-09"), 8}, DayQuantity{D("2026-12-10"), 8}));
  EXPECT_EQ(offer(f).calendar.free_total(), 64);
  EXPECT_THAT(offer(f).contracts, ElementsAre(ContractOf(o).id));
}

TEST_F(RfqTest, AnAwardWithoutAnOfferReservesNoDays) {
  MemberId s = Supplier();
  OrderId o = PlaceRfq();
  PlaceABid(s, o);
  TickAt("2026-11-25T12:00:00Z");
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_FALSE(ContractOf(o).offer.valid());
  EXPECT_TRUE(ContractOf(o).days.empty());
  EXPECT_EQ(ContractOf(o).state, ContractState::kActive);
}

TEST_F(RfqTest, AnAwardTheOfferCannotHoldFailsWithAReasonAndTheNextBidIsTried) {
  MemberId best = Supplier();
  MemberId next = Supplier();
  OfferId small = Post(best, {.daily_capacity = 1, .from = D("2026-12-01"), .to = D("2026-12-05")});
  OrderId o = PlaceRfq();
  BidId b_best = PlaceABid(best, o, 200000, 16, 10, small);
  BidId b_next = PlaceABid(next, o, 300000);
  EXPECT_THAT(
      TickAt("2026-11-25T12:00:00Z"),
      ElementsAre("order.bidding_closed", "bid.award_failed", "contract.created", "order.awarded"));
  const AwardFailed* failed = Last<AwardFailed>();
  EXPECT_EQ(failed->bid, b_best);
  EXPECT_EQ(failed->reason, "capacity");
  EXPECT_TRUE(MaySee(*failed, best));
  EXPECT_FALSE(MaySee(*failed, next));
  EXPECT_EQ(bid(b_best).status, BidStatus::kFailed);
  EXPECT_EQ(ContractOf(o).bid, b_next);
}

TEST_F(RfqTest, AnAwardOnAWithdrawnOfferFails) {
  MemberId s = Supplier();
  OfferId f = Post(s);
  OrderId o = PlaceRfq();
  BidId b = PlaceABid(s, o, 300000, 16, 10, f);
  ASSERT_FALSE(Run(WithdrawOffer{.by = s, .offer = f}).rejection);
  EXPECT_THAT(TickAt("2026-11-25T12:00:00Z"),
              ElementsAre("order.bidding_closed", "bid.award_failed", "order.unawarded"));
  EXPECT_EQ(bid(b).reason, "offer_withdrawn");
  EXPECT_EQ(order(o).status, OrderStatus::kUnawarded);
  EXPECT_EQ(member(customer_).rfq_unawarded, 1);
}

TEST_F(RfqTest, TwoAwardsInOneTickNeverCountTheSameDayTwice) {
  MemberId s = Supplier();
  OfferId f = Post(s, {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-02")});
  OrderId first = PlaceRfq();
  OrderId second = PlaceRfq();
  PlaceABid(s, first, 300000, 16, 10, f);
  BidId late = PlaceABid(s, second, 300000, 16, 10, f);
  TickAt("2026-11-26T00:00:00Z");
  EXPECT_EQ(Allocated(first), 16);
  EXPECT_EQ(Allocated(second), 0);
  EXPECT_EQ(bid(late).reason, "capacity");
}

TEST_F(RfqTest, ABlockMadeDuringBiddingMakesTheBidIneligibleAtTheClose) {
  MemberId s = Supplier();
  OrderId o = PlaceRfq();
  BidId b = PlaceABid(s, o);
  ASSERT_FALSE(Run(BlockMember{.by = customer_, .other = s}).rejection);
  EXPECT_THAT(TickAt("2026-11-25T12:00:00Z"),
              ElementsAre("order.bidding_closed", "order.unawarded"));
  EXPECT_EQ(bid(b).status, BidStatus::kIneligible);
  EXPECT_EQ(bid(b).reason, "blocked");
  EXPECT_TRUE(ContractsOf(o).empty());
  // Nothing was eligible: the customer's award rate does not count the order.
  EXPECT_EQ(member(customer_).rfq_unawarded, 0);
}

TEST_F(RfqTest, AnOrderWithoutBidsEndsUnawardedAtTheClose) {
  OrderId o = PlaceRfq({.award = AwardMode::kManual});
  EXPECT_THAT(TickAt("2026-11-26T00:00:00Z"),
              ElementsAre("order.bidding_closed", "order.unawarded"));
  EXPECT_EQ(order(o).status, OrderStatus::kUnawarded);
  EXPECT_TRUE(state().rfq_timers().empty());
}

// --- The manual award ---

class ManualAwardTest : public RfqTest {
 protected:
  void SetUp() override {
    RfqTest::SetUp();
    a_ = Supplier();
    b_ = Supplier();
    order_ = PlaceRfq({.quantity = 24, .min_lot = 8, .award = AwardMode::kManual});
    bid_a_ = PlaceABid(a_, order_, 250000, 16);
    bid_b_ = PlaceABid(b_, order_, 300000, 24);
  }
  MemberId a_, b_;
  OrderId order_;
  BidId bid_a_, bid_b_;
};

TEST_F(ManualAwardTest, TheCloseShowsTheCustomerEveryBidWithItsScoreAndWaits) {
  EXPECT_THAT(TickAt("2026-11-25T12:00:00Z"), ElementsAre("order.bidding_closed"));
  EXPECT_EQ(order(order_).status, OrderStatus::kAwarding);
  EXPECT_EQ(bid(bid_a_).status, BidStatus::kRanked);
  EXPECT_GT(bid(bid_a_).score.total, 0);
  EXPECT_TRUE(ContractsOf(order_).empty());
}

TEST_F(ManualAwardTest, TheCustomerAwardsChosenBidsInItsOrder) {
  EXPECT_EQ(Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_b_}}).rejection->code,
            RejectCode::kFailedPrecondition)
      << "bidding is still open";
  TickAt("2026-11-25T12:00:00Z");
  ASSERT_FALSE(
      Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_b_, bid_a_}}).rejection);
  EXPECT_THAT(last_types(), ElementsAre("contract.created", "order.awarded"));
  EXPECT_EQ(ContractOf(order_).bid, bid_b_);
  EXPECT_EQ(ContractOf(order_).quantity, 24);
  EXPECT_EQ(order(order_).status, OrderStatus::kAllocated);
  EXPECT_EQ(bid(bid_a_).status, BidStatus::kLost);
  EXPECT_EQ(member(customer_).rfq_awarded, 1);
  EXPECT_EQ(Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_a_}}).rejection->code,
            RejectCode::kFailedPrecondition);
}

TEST_F(ManualAwardTest, OnlyTheCustomerAwardsAndOnlyItsOrdersRankedBids) {
  TickAt("2026-11-25T12:00:00Z");
  EXPECT_EQ(Run(AwardBids{.by = a_, .order = order_, .bids = {bid_a_}}).rejection->code,
            RejectCode::kPermissionDenied);  // a_ is no customer.
  MemberId other = Register({.roles = kRoleCustomer});
  EXPECT_EQ(Run(AwardBids{.by = other, .order = order_, .bids = {bid_a_}}).rejection->code,
            RejectCode::kNotFound);
  EXPECT_THAT(
      ErrorFields(Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_a_, BidId{77}}})),
      ElementsAre("bids[1]"));
  EXPECT_THAT(
      ErrorFields(Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_a_, bid_a_}})),
      ElementsAre("bids[1]"));
  EXPECT_TRUE(ContractsOf(order_).empty());
}

TEST_F(ManualAwardTest, AnAwardNobodyMakesLapsesAndLowersTheAwardRate) {
  TickAt("2026-11-25T12:00:00Z");
  EXPECT_TRUE(TickAt("2026-11-28T11:59:59Z").empty());
  EXPECT_THAT(TickAt("2026-11-28T12:00:00Z"), ElementsAre("order.unawarded"));
  EXPECT_EQ(order(order_).status, OrderStatus::kUnawarded);
  EXPECT_EQ(bid(bid_a_).status, BidStatus::kLost);
  EXPECT_EQ(member(customer_).rfq_unawarded, 1);
  EXPECT_EQ(member(customer_).rfq_awarded, 0);
  EXPECT_EQ(Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_a_}}).rejection->code,
            RejectCode::kFailedPrecondition);
}

TEST_F(ManualAwardTest, ABidLateByTheDayOfTheAwardFailsForLeadTime) {
  Run(WithdrawBid{.by = b_, .bid = bid_b_});
  BidId slow = PlaceABid(b_, order_, 200000, 24, 24);  // Makes 2026-12-20 only if awarded by 11-26.
  TickAt("2026-11-25T12:00:00Z");
  AdvanceTo("2026-11-27T09:00:00Z");
  ASSERT_FALSE(Run(AwardBids{.by = customer_, .order = order_, .bids = {slow}}).rejection);
  EXPECT_THAT(last_types(), ElementsAre("bid.award_failed"));
  EXPECT_EQ(bid(slow).reason, "lead_time");
  EXPECT_EQ(order(order_).status, OrderStatus::kAwarding) << "the customer may still award";
  ASSERT_FALSE(Run(AwardBids{.by = customer_, .order = order_, .bids = {bid_a_}}).rejection);
  EXPECT_EQ(order(order_).status, OrderStatus::kPartiallyAllocated);
  EXPECT_EQ(Allocated(order_), 16);
}

TEST_F(ManualAwardTest, CancellingAfterTheCloseCountsAsUnawardedButNotDuringBidding) {
  OrderId early = PlaceRfq();
  PlaceABid(a_, early);
  ASSERT_FALSE(Run(CancelOrder{.by = customer_, .order = early}).rejection);
  EXPECT_EQ(order(early).status, OrderStatus::kCancelled);
  EXPECT_EQ(member(customer_).rfq_unawarded, 0);
  TickAt("2026-11-25T12:00:00Z");
  ASSERT_FALSE(Run(CancelOrder{.by = customer_, .order = order_}).rejection);
  EXPECT_EQ(bid(bid_a_).status, BidStatus::kLost);
  EXPECT_EQ(member(customer_).rfq_unawarded, 1);
  EXPECT_TRUE(TickAt("2026-11-29T00:00:00Z").empty());
}

}  // namespace
}  // namespace subex::test
