// Specification of allocation (PRODUCT §2, §3): which days a match reserves, how minimum lots
// shape the fill, what rests on the book and what happens to it, and how a command that changes
// nothing is rejected.

#include "engine/eligibility.h"
#include "engine/state_hash.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;
using test::kLipetsk;
using test::kNaberezhnyeChelny;

using Days = std::vector<DayQuantity>;
using Types = std::vector<std::string>;

std::vector<std::string> FieldsOf(const Rejection& r) {
  std::vector<std::string> fields;
  for (const FieldError& e : r.errors) fields.push_back(e.field);
  return fields;
}

class AllocationTest : public test::ExchangeTest {
 protected:
  AllocationTest()
      : supplier_(Register({.name = "Supplier"})), customer_(Register({.name = "Customer"})) {}

  MemberId supplier_;
  MemberId customer_;
};

TEST_F(AllocationTest, JustInTimeTakesTheLatestFreeDays) {
  OfferId f =
      Post(supplier_, {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-10")});
  OrderId o = Place(customer_, {.quantity = 20, .start = D("2026-12-01"), .due = D("2026-12-20")});
  EXPECT_EQ(last_types(), (Types{"order.placed", "contract.created"}));
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  const Contract& c = *ContractsOf(o)[0];
  EXPECT_EQ(c.quantity, 20);
  EXPECT_EQ(c.days, (Days{{D("2026-12-08"), 4}, {D("2026-12-09"), 8}, {D("2026-12-10"), 8}}));
  EXPECT_EQ(c.state, ContractState::kActive);
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
  // The early days stay free for urgent orders.
  const CapacityCalendar& cal = offer(f).calendar;
  EXPECT_EQ(cal.free_total(), 60);
  EXPECT_EQ(cal.free_on(D("2026-12-01")), 8);
  EXPECT_EQ(cal.free_on(D("2026-12-07")), 8);
  EXPECT_EQ(cal.free_on(D("2026-12-08")), 4);
  EXPECT_EQ(cal.free_on(D("2026-12-10")), 0);
}

TEST_F(AllocationTest, TransitDaysAreTheDistanceOverTheDailyRangeRoundedUp) {
  EXPECT_EQ(TransitDays(0, 500), 0);
  EXPECT_EQ(TransitDays(107.8, 500), 1);
  EXPECT_EQ(TransitDays(500, 500), 1);
  EXPECT_EQ(TransitDays(500.01, 500), 2);
  EXPECT_EQ(TransitDays(903.12, 500), 2);
  EXPECT_EQ(TransitDays(1423.8, 500), 3);
}

TEST_F(AllocationTest, TransitDaysShiftTheWindowEarlier) {
  // Naberezhnye Chelny to Lipetsk is 903 km: 2 transit days, so an order due on the 20th is
  // produced by the 18th.
  MemberId chelny = Register({.location = kNaberezhnyeChelny});
  Post(chelny, {.from = D("2026-12-01"), .to = D("2026-12-31")});
  OrderId o = Place(customer_, {.quantity = 16, .due = D("2026-12-20")});
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).days, (Days{{D("2026-12-17"), 8}, {D("2026-12-18"), 8}}));
}

TEST_F(AllocationTest, OrderMinLotSkipsSmallOffersAndAcceptsASmallerRemainder) {
  // Cheapest first: 8 free (below the lot of 20: skipped), 30 free (taken), 8 free (below the
  // remaining 10: skipped), 16 free (gives the remaining 10).
  OfferId small =
      Post(Register(), {.from = D("2026-12-01"), .to = D("2026-12-01"), .unit_price = 280000});
  OfferId large = Post(
      Register(),
      {.daily_capacity = 10, .from = D("2026-12-01"), .to = D("2026-12-03"), .unit_price = 290000});
  OfferId tiny =
      Post(Register(), {.from = D("2026-12-01"), .to = D("2026-12-01"), .unit_price = 295000});
  OfferId last =
      Post(Register(), {.from = D("2026-12-01"), .to = D("2026-12-02"), .unit_price = 300000});
  OrderId o = Place(customer_, {.quantity = 40, .min_lot = 20});
  std::vector<const Contract*> contracts = ContractsOf(o);
  ASSERT_EQ(contracts.size(), 2u);
  EXPECT_EQ(contracts[0]->offer, large);
  EXPECT_EQ(contracts[0]->quantity, 30);
  EXPECT_EQ(contracts[1]->offer, last);
  EXPECT_EQ(contracts[1]->quantity, 10);
  EXPECT_EQ(contracts[1]->days, (Days{{D("2026-12-01"), 2}, {D("2026-12-02"), 8}}));
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
  EXPECT_EQ(offer(small).calendar.free_total(), 8);
  EXPECT_EQ(offer(tiny).calendar.free_total(), 8);
}

TEST_F(AllocationTest, AnOfferSkippedForTheLotServesTheSmallerRemainder) {
  // Greedy by score (§3): once 30 of the 40 are covered, the best offer that can serve the
  // remaining 10 is the cheap one skipped at first (10 free, below the lot of 20), not the dear.
  OfferId cheap = Post(
      Register(),
      {.daily_capacity = 5, .from = D("2026-12-01"), .to = D("2026-12-02"), .unit_price = 280000});
  OfferId large = Post(
      Register(),
      {.daily_capacity = 10, .from = D("2026-12-01"), .to = D("2026-12-03"), .unit_price = 290000});
  OfferId dear =
      Post(Register(), {.from = D("2026-12-01"), .to = D("2026-12-02"), .unit_price = 300000});
  OrderId o = Place(customer_, {.quantity = 40, .min_lot = 20});
  std::vector<const Contract*> contracts = ContractsOf(o);
  ASSERT_EQ(contracts.size(), 2u);
  EXPECT_EQ(contracts[0]->offer, large);
  EXPECT_EQ(contracts[0]->quantity, 30);
  EXPECT_EQ(contracts[1]->offer, cheap);
  EXPECT_EQ(contracts[1]->quantity, 10);
  EXPECT_EQ(offer(dear).calendar.free_total(), 16);
}

TEST_F(AllocationTest, OfferMinLotRefusesSmallerTakes) {
  Post(supplier_, {.min_lot = 10});
  EXPECT_EQ(Allocated(Place(customer_, {.quantity = 6})), 0);
  EXPECT_EQ(Allocated(Place(customer_, {.quantity = 10})), 10);
}

TEST_F(AllocationTest, OfferMinLotAlsoHoldsForRestingOrders) {
  OrderId six = Place(customer_, {.quantity = 6});
  OrderId twelve = Place(customer_, {.quantity = 12, .max_unit_price = 340000});
  Post(supplier_, {.min_lot = 10});
  EXPECT_EQ(Allocated(six), 0);
  EXPECT_EQ(Allocated(twelve), 12);
}

TEST_F(AllocationTest, PartialFillRestsAndALaterOfferCompletesIt) {
  OfferId first = Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});
  OrderId o = Place(customer_, {.quantity = 40});
  EXPECT_EQ(Allocated(o), 16);
  EXPECT_EQ(order(o).status, OrderStatus::kPartiallyAllocated);
  EXPECT_EQ(offer(first).status, OfferStatus::kExhausted);

  OfferId second = Post(Register(), {.from = D("2026-12-01"), .to = D("2026-12-05")});
  EXPECT_EQ(last_types(), (Types{"offer.posted", "contract.created"}));
  EXPECT_EQ(Allocated(o), 40);
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
  ASSERT_EQ(ContractsOf(o).size(), 2u);
  const Contract& c = *ContractsOf(o)[1];
  EXPECT_EQ(c.offer, second);
  EXPECT_EQ(c.quantity, 24);
  EXPECT_EQ(c.days, (Days{{D("2026-12-03"), 8}, {D("2026-12-04"), 8}, {D("2026-12-05"), 8}}));
  EXPECT_EQ(offer(second).status, OfferStatus::kOpen);
  EXPECT_EQ(offer(second).calendar.free_total(), 16);
}

TEST_F(AllocationTest, NewOfferServesRestingOrdersBestPriceFirstThenOldest) {
  OrderId low = Place(customer_, {.max_unit_price = 310000});
  OrderId best_old = Place(customer_, {.process = "machining.milling.cnc_5axis"});
  OrderId best_new = Place(customer_, {.process = "machining"});  // Same price, placed later.
  OrderId middle = Place(customer_, {.max_unit_price = 320000});
  OfferId f = Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-05")});  // 40 free.
  EXPECT_EQ(last_types(),
            (Types{"offer.posted", "contract.created", "contract.created", "contract.created"}));
  EXPECT_EQ(Allocated(best_old), 16);
  EXPECT_EQ(ContractOf(best_old).days, (Days{{D("2026-12-04"), 8}, {D("2026-12-05"), 8}}));
  EXPECT_EQ(Allocated(best_new), 16);
  EXPECT_EQ(ContractOf(best_new).days, (Days{{D("2026-12-02"), 8}, {D("2026-12-03"), 8}}));
  EXPECT_EQ(Allocated(middle), 8);
  EXPECT_EQ(order(middle).status, OrderStatus::kPartiallyAllocated);
  EXPECT_EQ(Allocated(low), 0) << "the offer was exhausted before the cheapest order";
  EXPECT_EQ(order(low).status, OrderStatus::kOpen);
  EXPECT_EQ(offer(f).status, OfferStatus::kExhausted);
  EXPECT_EQ(state().contracts().size(), 3u);
}

TEST_F(AllocationTest, ExhaustedOfferLeavesMatching) {
  OfferId f = Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});
  EXPECT_EQ(Allocated(Place(customer_)), 16);
  EXPECT_EQ(offer(f).status, OfferStatus::kExhausted);
  EXPECT_EQ(offer(f).calendar.free_total(), 0);
  EXPECT_EQ(Allocated(Place(customer_)), 0);
  Engine::Outcome out = Run(WithdrawOffer{.by = supplier_, .offer = f});
  ASSERT_TRUE(out.rejection.has_value());
  EXPECT_EQ(out.rejection->code, RejectCode::kFailedPrecondition);
}

TEST_F(AllocationTest, WithdrawalFreesNothingAllocatedAndStopsMatching) {
  OfferId f = Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});
  OrderId o = Place(customer_, {.quantity = 8});
  ASSERT_FALSE(Run(WithdrawOffer{.by = supplier_, .offer = f}).rejection);
  EXPECT_EQ(last_types(), Types{"offer.withdrawn"});
  EXPECT_EQ(offer(f).status, OfferStatus::kWithdrawn);
  EXPECT_EQ(offer(f).calendar.free_on(D("2026-12-02")), 0) << "the contract keeps its day";
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).state, ContractState::kActive);
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
  EXPECT_EQ(Allocated(Place(customer_, {.quantity = 8})), 0);
  EXPECT_EQ(Run(WithdrawOffer{.by = supplier_, .offer = f}).rejection->code,
            RejectCode::kFailedPrecondition);
}

TEST_F(AllocationTest, CancellationKeepsContractsAndRemovesTheRemainder) {
  Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});
  OrderId o = Place(customer_, {.quantity = 40});
  ASSERT_FALSE(Run(CancelOrder{.by = customer_, .order = o}).rejection);
  EXPECT_EQ(last_types(), Types{"order.cancelled"});
  EXPECT_EQ(order(o).status, OrderStatus::kCancelled);
  EXPECT_EQ(Allocated(o), 16);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  EXPECT_EQ(ContractOf(o).state, ContractState::kActive);
  OfferId later = Post(Register());
  EXPECT_EQ(last_types(), Types{"offer.posted"}) << "the remainder no longer rests";
  EXPECT_EQ(offer(later).calendar.free_total(), 80);
  EXPECT_EQ(Run(CancelOrder{.by = customer_, .order = o}).rejection->code,
            RejectCode::kFailedPrecondition);
}

TEST_F(AllocationTest, TickExpiresOrdersAtExpiresAt) {
  OrderId soon = Place(customer_, {.expires_at = test::At("2026-11-30T12:00:00Z")});
  OrderId by_due = Place(customer_, {.due = D("2026-12-20")});  // Expires 2026-12-21T00:00Z.
  EXPECT_EQ(order(by_due).expires_at, test::At("2026-12-21T00:00:00Z"));
  EXPECT_TRUE(TickAt("2026-11-30T11:59:59.999Z").empty());
  EXPECT_EQ(TickAt("2026-11-30T12:00:00Z"), Types{"order.expired"});
  EXPECT_EQ(order(soon).status, OrderStatus::kExpired);
  EXPECT_EQ(order(by_due).status, OrderStatus::kOpen);
  EXPECT_TRUE(TickAt("2026-12-20T23:59:59Z").empty());
  EXPECT_EQ(TickAt("2026-12-21T00:00:00Z"), Types{"order.expired"});
  EXPECT_EQ(order(by_due).status, OrderStatus::kExpired);
  EXPECT_TRUE(TickAt("2026-12-22T00:00:00Z").empty()) << "expiry fires once";
}

TEST_F(AllocationTest, ExpiredOrderKeepsItsContractsAndLeavesTheBook) {
  Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-02")});
  OrderId o = Place(customer_, {.quantity = 40, .expires_at = test::At("2026-11-30T00:00:00Z")});
  EXPECT_EQ(TickAt("2026-11-30T00:00:00Z"), Types{"order.expired"});
  EXPECT_EQ(order(o).status, OrderStatus::kExpired);
  EXPECT_EQ(Allocated(o), 16);
  Post(Register());
  EXPECT_EQ(last_types(), Types{"offer.posted"});
  EXPECT_EQ(Allocated(o), 16);
}

TEST_F(AllocationTest, TickExpiresOffersAfterTheirLastDay) {
  OfferId f = Post(supplier_, {.from = D("2026-12-01"), .to = D("2026-12-10")});
  EXPECT_TRUE(TickAt("2026-12-10T23:59:59Z").empty());
  EXPECT_EQ(offer(f).status, OfferStatus::kOpen);
  EXPECT_EQ(TickAt("2026-12-11T00:00:00Z"), Types{"offer.expired"});
  EXPECT_EQ(offer(f).status, OfferStatus::kExpired);
  EXPECT_EQ(Allocated(Place(customer_, {.start = D("2026-12-11"), .due = D("2026-12-20")})), 0);
  EXPECT_TRUE(TickAt("2026-12-12T00:00:00Z").empty()) << "expiry fires once";
}

TEST_F(AllocationTest, OfferWithoutAutoAcceptWaitsForConfirmation) {
  Post(supplier_, {.auto_accept = false});
  OrderId o = Place(customer_);
  ASSERT_EQ(ContractsOf(o).size(), 1u);
  const Contract& c = *ContractsOf(o)[0];
  EXPECT_EQ(c.state, ContractState::kPendingConfirmation);
  ASSERT_TRUE(c.confirm_by.has_value());
  EXPECT_EQ(*c.confirm_by, test::At("2026-11-25T08:00:00Z"));  // 48 hours.
}

class AllocationRejectionTest : public AllocationTest {
 protected:
  // Runs a command that must be rejected and change nothing; returns the rejection.
  Rejection Rejected(const Command& command) {
    uint64_t before = StateHash(state());
    uint64_t seq = state().last_seq();
    Engine::Outcome out = Run(command);
    EXPECT_TRUE(out.events.empty());
    EXPECT_EQ(state().last_seq(), seq);
    EXPECT_EQ(StateHash(state()), before) << "a rejected command changes nothing";
    if (!out.rejection) {
      ADD_FAILURE() << "accepted";
      return Rejection{};
    }
    return *out.rejection;
  }
};

TEST_F(AllocationRejectionTest, ZeroQuantityNamesQuantity) {
  Post(supplier_);
  Rejection r = Rejected(OrderCommand(customer_, {.quantity = 0}));
  EXPECT_EQ(r.code, RejectCode::kInvalidArgument);
  EXPECT_EQ(FieldsOf(r), std::vector<std::string>{"quantity"});
  EXPECT_EQ(state().orders().size(), 0u);
}

TEST_F(AllocationRejectionTest, EveryBadFieldIsNamed) {
  Rejection r = Rejected(
      OrderCommand(customer_, {.quantity = -5, .start = D("2026-12-10"), .due = D("2026-12-01")}));
  EXPECT_EQ(FieldsOf(r), (std::vector<std::string>{"quantity", "due"}));
}

TEST_F(AllocationRejectionTest, UnknownProcessNamesProcess) {
  EXPECT_EQ(FieldsOf(Rejected(OrderCommand(customer_, {.process = "machining.grinding"}))),
            std::vector<std::string>{"process"});
  EXPECT_EQ(FieldsOf(Rejected(OfferCommand(supplier_, {.process = "welding.tig"}))),
            std::vector<std::string>{"process"});
}

TEST_F(AllocationRejectionTest, OfferOutsideTheSupplierProcessesNamesProcess) {
  MemberId foundry = Register({.processes = {"casting"}});
  EXPECT_EQ(FieldsOf(Rejected(OfferCommand(foundry, {.process = "machining.turning"}))),
            std::vector<std::string>{"process"});
  EXPECT_TRUE(Post(foundry, {.process = "casting.steel"}).valid());
}

TEST_F(AllocationRejectionTest, BadInnNamesInn) {
  RegisterMember c{
      {.name = "Bad INN plant", .region = "RU-LIP", .location = kLipetsk, .roles = kRoleSupplier},
      kOperator,
      "7707083894",
      {"machining"},
      {}};
  EXPECT_EQ(FieldsOf(Rejected(c)), std::vector<std::string>{"inn"});
  c.inn = member(supplier_).inn;  // Valid, but already registered.
  EXPECT_EQ(FieldsOf(Rejected(c)), std::vector<std::string>{"inn"});
  c.inn = "7707083893";
  EXPECT_FALSE(Run(c).rejection.has_value());
}

TEST_F(AllocationRejectionTest, NonOwnerCancellingFindsNothing) {
  OrderId o = Place(customer_, {.quantity = 40});
  Rejection r = Rejected(CancelOrder{.by = supplier_, .order = o});
  EXPECT_EQ(r.code, RejectCode::kNotFound);
  EXPECT_EQ(order(o).status, OrderStatus::kOpen);
  EXPECT_EQ(Rejected(CancelOrder{.by = customer_, .order = OrderId{99}}).code,
            RejectCode::kNotFound);
}

TEST_F(AllocationRejectionTest, NonOwnerWithdrawingFindsNothing) {
  OfferId f = Post(supplier_);
  EXPECT_EQ(Rejected(WithdrawOffer{.by = customer_, .offer = f}).code, RejectCode::kNotFound);
  EXPECT_EQ(offer(f).status, OfferStatus::kOpen);
}

TEST_F(AllocationRejectionTest, RolesAreRequired) {
  MemberId buyer = Register({.roles = kRoleCustomer});
  MemberId seller = Register({.roles = kRoleSupplier});
  EXPECT_EQ(Rejected(OfferCommand(buyer)).code, RejectCode::kPermissionDenied);
  EXPECT_EQ(Rejected(OrderCommand(seller)).code, RejectCode::kPermissionDenied);
}

}  // namespace
}  // namespace subex
