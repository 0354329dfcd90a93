// Specification of a contract's life (PRODUCT §2): who may take which step in which state, the
// confirmation deadline and its lapse, what a decline or a cancellation releases and rematches,
// and the outcomes that make a supplier's reliability.

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/invariants.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

using Types = std::vector<std::string>;

class ContractTest : public test::ExchangeTest {
 protected:
  ContractTest()
      : supplier_(Register({.name = "Supplier"})), customer_(Register({.name = "Customer"})) {}

  ~ContractTest() override {
    std::vector<std::string> broken = CheckInvariants(state());
    EXPECT_TRUE(broken.empty()) << broken.front();
  }

  // An order of 16 matched to an offer of `supplier_` (8 a day, Dec 1-10) that waits for its
  // supplier's confirmation; the order is fully allocated.
  ContractId Pending(OfferId* offer_out = nullptr, OrderId* order_out = nullptr) {
    OfferId f = Post(supplier_, {.auto_accept = false});
    OrderId o = Place(customer_, {.quantity = 16});
    if (offer_out != nullptr) *offer_out = f;
    if (order_out != nullptr) *order_out = o;
    return ContractOf(o).id;
  }
  ContractId Active(OfferId* offer_out = nullptr, OrderId* order_out = nullptr) {
    ContractId c = Pending(offer_out, order_out);
    EXPECT_FALSE(Run(ConfirmContract{supplier_, c, {}}).rejection);
    return c;
  }
  ContractId Delivered(OrderId* order_out = nullptr) {
    ContractId c = Active(nullptr, order_out);
    EXPECT_FALSE(Run(DeliverContract{supplier_, c, {}}).rejection);
    return c;
  }

  std::optional<RejectCode> CodeOf(const Command& command) {
    Engine::Outcome out = Run(command);
    if (!out.rejection) return std::nullopt;
    return out.rejection->code;
  }

  const Contract& contract(ContractId id) const { return *state().contract(id); }
  double ReliabilityOf(MemberId m) const { return state().Reliability(member(m), DayOf(now_)); }

  MemberId supplier_;
  MemberId customer_;
};

TEST_F(ContractTest, AnOfferWithoutAutoAcceptMakesAContractAwaitingConfirmation) {
  ContractId c = Pending();
  EXPECT_EQ(contract(c).state, ContractState::kPendingConfirmation);
  EXPECT_EQ(contract(c).confirm_by, test::At("2026-11-25T08:00:00Z"));  // 48 hours.
  EXPECT_EQ(state().contract_timers().size(), 1u);
}

TEST_F(ContractTest, TheSupplierConfirmsBeforeTheDeadline) {
  ContractId c = Pending();
  AdvanceTo("2026-11-25T07:59:59Z");
  ASSERT_FALSE(Run(ConfirmContract{supplier_, c, {}}).rejection);
  EXPECT_EQ(last_types(), Types{"contract.confirmed"});
  EXPECT_EQ(contract(c).state, ContractState::kActive);
  EXPECT_EQ(contract(c).revision, 2);
  EXPECT_TRUE(state().contract_timers().empty());
  EXPECT_EQ(TickAt("2026-11-26T00:00:00Z"), Types{});
}

TEST_F(ContractTest, AtTheDeadlineItIsTooLateToConfirmOrDecline) {
  ContractId c = Pending();
  AdvanceTo("2026-11-25T08:00:00Z");
  EXPECT_EQ(CodeOf(ConfirmContract{supplier_, c, {}}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(DeclineContract{supplier_, c, {}, ""}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(contract(c).state, ContractState::kPendingConfirmation);
}

TEST_F(ContractTest, AMemberThatIsNotAPartyFindsNoContract) {
  ContractId c = Pending();
  MemberId stranger = Register();
  EXPECT_EQ(CodeOf(ConfirmContract{stranger, c, {}}), RejectCode::kNotFound);
  EXPECT_EQ(CodeOf(DeclineContract{stranger, c, {}, ""}), RejectCode::kNotFound);
  EXPECT_EQ(CodeOf(CancelContract{stranger, c, {}, "mine now"}), RejectCode::kNotFound);
  EXPECT_EQ(CodeOf(AcceptContract{stranger, c, {}}), RejectCode::kNotFound);
  EXPECT_EQ(CodeOf(CancelContract{kOperator, c, {}, "why"}), RejectCode::kNotFound);
  EXPECT_EQ(CodeOf(ConfirmContract{supplier_, ContractId{99}, {}}), RejectCode::kNotFound);
}

TEST_F(ContractTest, APartyAskingForTheOtherPartysStepIsForbidden) {
  ContractId c = Pending();
  EXPECT_EQ(CodeOf(ConfirmContract{customer_, c, {}}), RejectCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(DeclineContract{customer_, c, {}, ""}), RejectCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(DeliverContract{customer_, c, {}}), RejectCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(AcceptContract{supplier_, c, {}}), RejectCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(DisputeContract{supplier_, c, {}, "bad"}), RejectCode::kPermissionDenied);
  EXPECT_EQ(contract(c).revision, 1);
}

TEST_F(ContractTest, AStepTheStateDoesNotAllowIsAConflict) {
  ContractId pending = Pending();
  EXPECT_EQ(CodeOf(DeliverContract{supplier_, pending, {}}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(AcceptContract{customer_, pending, {}}), RejectCode::kFailedPrecondition);
  // The supplier declines a pending contract rather than cancel it.
  EXPECT_EQ(CodeOf(CancelContract{supplier_, pending, {}, "no"}), RejectCode::kFailedPrecondition);

  ContractId active = Active();
  EXPECT_EQ(CodeOf(ConfirmContract{supplier_, active, {}}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(DeclineContract{supplier_, active, {}, ""}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(AcceptContract{customer_, active, {}}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(DisputeContract{customer_, active, {}, "late"}),
            RejectCode::kFailedPrecondition);

  ContractId delivered = Delivered();
  EXPECT_EQ(CodeOf(DeliverContract{supplier_, delivered, {}}), RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(CancelContract{customer_, delivered, {}, "changed my mind"}),
            RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(CancelContract{supplier_, delivered, {}, "oops"}),
            RejectCode::kFailedPrecondition);

  ASSERT_FALSE(Run(AcceptContract{customer_, delivered, {}}).rejection);
  EXPECT_EQ(CodeOf(DisputeContract{customer_, delivered, {}, "after all"}),
            RejectCode::kFailedPrecondition);
  EXPECT_EQ(CodeOf(AcceptContract{customer_, delivered, {}}), RejectCode::kFailedPrecondition);
}

TEST_F(ContractTest, AStaleRevisionIsRejectedAndTheCurrentOneAccepted) {
  ContractId c = Pending();
  EXPECT_EQ(CodeOf(ConfirmContract{supplier_, c, 7}), RejectCode::kRevisionMismatch);
  ASSERT_FALSE(Run(ConfirmContract{supplier_, c, 1}).rejection);
  EXPECT_EQ(CodeOf(DeliverContract{supplier_, c, 1}), RejectCode::kRevisionMismatch);
  EXPECT_FALSE(Run(DeliverContract{supplier_, c, 2}).rejection);
}

TEST_F(ContractTest, DisputesAndCancellationsNeedAReason) {
  ContractId c = Active();
  EXPECT_EQ(CodeOf(CancelContract{customer_, c, {}, ""}), RejectCode::kInvalidArgument);
  ASSERT_FALSE(Run(DeliverContract{supplier_, c, {}}).rejection);
  Engine::Outcome out = Run(DisputeContract{customer_, c, {}, ""});
  ASSERT_TRUE(out.rejection);
  ASSERT_EQ(out.rejection->errors.size(), 1u);
  EXPECT_EQ(out.rejection->errors[0].field, "reason");
}

TEST_F(ContractTest, AcceptedOnTimeCountsOneAndCompletesTheOrder) {
  OrderId o;
  ContractId c = Delivered(&o);
  EXPECT_EQ(contract(c).delivered_on, D("2026-11-23"));
  ASSERT_FALSE(Run(AcceptContract{customer_, c, {}}).rejection);
  EXPECT_EQ(contract(c).state, ContractState::kAccepted);
  EXPECT_EQ(order(o).status, OrderStatus::kCompleted);
  ASSERT_EQ(member(supplier_).outcomes.size(), 1u);
  EXPECT_EQ(member(supplier_).outcomes[0].value, 1.0);
  // (0.8 × 5 + 1) / 6
  EXPECT_DOUBLE_EQ(ReliabilityOf(supplier_), 5.0 / 6.0);
  EXPECT_GE(state().max_reliability(), ReliabilityOf(supplier_));
}

TEST_F(ContractTest, DeliveredAfterTheDueDayIsAcceptedLateAndCountsHalf) {
  ContractId c = Active();
  AdvanceTo("2026-12-21T09:00:00Z");  // The order was due on the 20th.
  ASSERT_FALSE(Run(DeliverContract{supplier_, c, {}}).rejection);
  ASSERT_FALSE(Run(AcceptContract{customer_, c, {}}).rejection);
  ASSERT_EQ(member(supplier_).outcomes.size(), 1u);
  EXPECT_EQ(member(supplier_).outcomes[0].value, 0.5);
  EXPECT_EQ(member(supplier_).outcomes[0].day, D("2026-12-21"));
}

TEST_F(ContractTest, ADeliveryOnTheDueDayIsOnTime) {
  ContractId c = Active();
  AdvanceTo("2026-12-20T23:59:00Z");
  ASSERT_FALSE(Run(DeliverContract{supplier_, c, {}}).rejection);
  AdvanceTo("2026-12-28T10:00:00Z");  // Accepting late does not make the delivery late.
  ASSERT_FALSE(Run(AcceptContract{customer_, c, {}}).rejection);
  EXPECT_EQ(member(supplier_).outcomes.at(0).value, 1.0);
}

TEST_F(ContractTest, ADisputeCountsZeroAndKeepsTheReason) {
  OrderId o;
  ContractId c = Delivered(&o);
  ASSERT_FALSE(Run(DisputeContract{customer_, c, {}, "Tolerance not met"}).rejection);
  EXPECT_EQ(contract(c).state, ContractState::kDisputed);
  EXPECT_EQ(contract(c).reason, "Tolerance not met");
  EXPECT_EQ(member(supplier_).outcomes.at(0).value, 0.0);
  EXPECT_EQ(order(o).status, OrderStatus::kCompleted);
}

TEST_F(ContractTest, ADeclineReturnsTheDaysAndTheOrderRestsWhenNothingElseServesIt) {
  OfferId f;
  OrderId o;
  ContractId c = Pending(&f, &o);
  EXPECT_EQ(offer(f).status, OfferStatus::kOpen);
  EXPECT_EQ(offer(f).calendar.free_total(), 64);
  ASSERT_FALSE(Run(DeclineContract{supplier_, c, {}, "Machine down"}).rejection);
  // The supplier that declined is not offered the same order again.
  EXPECT_EQ(last_types(), Types{"contract.declined"});
  EXPECT_EQ(contract(c).state, ContractState::kDeclined);
  EXPECT_EQ(contract(c).reason, "Machine down");
  EXPECT_EQ(offer(f).calendar.free_total(), 80);
  EXPECT_EQ(order(o).allocated, 0);
  EXPECT_EQ(order(o).status, OrderStatus::kOpen);
  EXPECT_TRUE(state().resting_orders().Contains(order(o).process, order(o).max_unit_price, o));
  EXPECT_EQ(member(supplier_).outcomes.at(0).value, 0.0);
}

TEST_F(ContractTest, ASupplierThatLetAnOrderGoIsNeverMatchedWithItAgain) {
  OrderId o;
  ContractId c = Pending(nullptr, &o);
  ASSERT_FALSE(Run(DeclineContract{supplier_, c, {}, ""}).rejection);
  EXPECT_EQ(order(o).let_go_by, std::vector<MemberId>{supplier_});
  Post(supplier_, {.unit_price = 250000});
  EXPECT_EQ(last_types(), Types{"offer.posted"});
  EXPECT_EQ(Allocated(o), 0);
  OfferId other = Post(Register(), {.unit_price = 340000});
  EXPECT_EQ(ContractOf(o, 1).offer, other);
}

TEST_F(ContractTest, ADeclineRematchesTheRemainderElsewhereInTheSameCommand) {
  OfferId f;
  OrderId o;
  ContractId c = Pending(&f, &o);
  OfferId other = Post(Register(), {.unit_price = 320000});
  ASSERT_FALSE(Run(DeclineContract{supplier_, c, {}, ""}).rejection);
  EXPECT_EQ(last_types(), (Types{"contract.declined", "contract.created"}));
  ASSERT_EQ(ContractsOf(o).size(), 2u);
  const Contract& again = ContractOf(o, 1);
  EXPECT_EQ(again.offer, other);
  EXPECT_EQ(again.quantity, 16);
  EXPECT_EQ(again.state, ContractState::kActive);
  EXPECT_EQ(order(o).allocated, 16);
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
}

TEST_F(ContractTest, ADeclineReopensAnExhaustedOffer) {
  OfferId f = Post(
      supplier_,
      {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-02"), .auto_accept = false});
  OrderId o = Place(customer_, {.quantity = 16});
  ASSERT_EQ(offer(f).status, OfferStatus::kExhausted);
  ASSERT_FALSE(Run(DeclineContract{supplier_, ContractOf(o).id, {}, ""}).rejection);
  EXPECT_EQ(offer(f).status, OfferStatus::kOpen);
  EXPECT_EQ(offer(f).calendar.free_total(), 16);
  // Back on the book: another customer's order takes it.
  OrderId next = Place(Register(), {.quantity = 8});
  EXPECT_EQ(Allocated(next), 8);
}

TEST_F(ContractTest, AReleaseAfterTheOfferEndedExpiresItInsteadOfReopening) {
  OfferId f = Post(
      supplier_,
      {.daily_capacity = 8, .from = D("2026-11-23"), .to = D("2026-11-24"), .auto_accept = true});
  OrderId o = Place(customer_, {.quantity = 16, .start = D("2026-11-23"), .due = D("2026-12-20")});
  ASSERT_EQ(offer(f).status, OfferStatus::kExhausted);
  AdvanceTo("2026-11-26T10:00:00Z");
  ASSERT_FALSE(Run(CancelContract{supplier_, ContractOf(o).id, {}, "Furnace failure"}).rejection);
  EXPECT_EQ(last_types(), (Types{"contract.cancelled", "offer.expired"}));
  EXPECT_EQ(offer(f).status, OfferStatus::kExpired);
  EXPECT_EQ(order(o).status, OrderStatus::kOpen);
}

TEST_F(ContractTest, AReleaseAfterTheOrderExpiredDoesNotReopenIt) {
  OrderId o;
  ContractId c = Active(nullptr, &o);
  AdvanceTo("2026-12-21T10:00:00Z");
  ASSERT_FALSE(Run(CancelContract{supplier_, c, {}, "Too late anyway"}).rejection);
  EXPECT_EQ(last_types(), (Types{"contract.cancelled", "order.expired"}));
  EXPECT_EQ(order(o).status, OrderStatus::kExpired);
  EXPECT_EQ(order(o).allocated, 0);
}

TEST_F(ContractTest, FreedDaysServeAnotherRestingOrderAtOnce) {
  OfferId f = Post(
      supplier_,
      {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-02"), .auto_accept = false});
  OrderId first = Place(customer_, {.quantity = 16});
  MemberId late_customer = Register();
  OrderId waiting = Place(late_customer, {.quantity = 8});
  ASSERT_EQ(Allocated(waiting), 0);
  ASSERT_FALSE(Run(DeclineContract{supplier_, ContractOf(first).id, {}, ""}).rejection);
  EXPECT_EQ(last_types(), (Types{"contract.declined", "contract.created"}));
  EXPECT_EQ(Allocated(waiting), 8);
  EXPECT_EQ(ContractOf(waiting).offer, f);
  EXPECT_EQ(Allocated(first), 0);  // Never back to the supplier that declined it.
}

TEST_F(ContractTest, AnUnconfirmedContractLapsesAtTheTickAndIsRematched) {
  OfferId f;
  OrderId o;
  ContractId c = Pending(&f, &o);
  OfferId other = Post(Register(), {.unit_price = 320000});
  EXPECT_EQ(TickAt("2026-11-25T07:59:59Z"), Types{});
  EXPECT_EQ(TickAt("2026-11-25T08:00:00Z"), (Types{"contract.lapsed", "contract.created"}));
  EXPECT_EQ(contract(c).state, ContractState::kLapsed);
  EXPECT_EQ(ContractOf(o, 1).offer, other);
  EXPECT_EQ(offer(f).calendar.free_total(), 80);
  EXPECT_EQ(member(supplier_).outcomes.at(0).value, 0.0);
  EXPECT_TRUE(state().contract_timers().empty());
}

TEST_F(ContractTest, LapsesInOneTickSeeEachOthersReleases) {
  // Two pending contracts of two orders on one offer; the offer is exhausted by them. When both
  // lapse in one tick, the second order's rematch may not reuse what the first one's took.
  OfferId f = Post(
      supplier_,
      {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-02"), .auto_accept = false});
  OrderId a = Place(customer_, {.quantity = 8});
  OrderId b = Place(Register(), {.quantity = 8});
  ASSERT_EQ(offer(f).status, OfferStatus::kExhausted);
  OfferId small = Post(
      Register(),
      {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-01"), .unit_price = 320000});
  ASSERT_EQ(offer(small).status, OfferStatus::kOpen);  // Nobody rests: both orders are covered.
  EXPECT_EQ(TickAt("2026-11-26T00:00:00Z"),
            (Types{"contract.lapsed", "contract.created", "contract.lapsed"}));
  EXPECT_EQ(Allocated(a), 8);
  EXPECT_EQ(ContractOf(a, 1).offer, small);
  EXPECT_EQ(Allocated(b), 0);
  EXPECT_EQ(order(b).status, OrderStatus::kOpen);
  EXPECT_EQ(offer(f).calendar.free_total(), 16);
}

TEST_F(ContractTest, ASupplierCancellationRematchesAndCountsAgainstIt) {
  OrderId o;
  ContractId c = Active(nullptr, &o);
  OfferId other = Post(Register(), {.unit_price = 320000});
  ASSERT_FALSE(Run(CancelContract{supplier_, c, {}, "Furnace failure"}).rejection);
  EXPECT_EQ(last_types(), (Types{"contract.cancelled", "contract.created"}));
  EXPECT_EQ(contract(c).state, ContractState::kCancelled);
  EXPECT_EQ(contract(c).cancelled_by, supplier_);
  EXPECT_EQ(contract(c).reason, "Furnace failure");
  EXPECT_EQ(ContractOf(o, 1).offer, other);
  EXPECT_EQ(member(supplier_).outcomes.at(0).value, 0.0);
}

TEST_F(ContractTest, ACustomerCancellationReturnsTheDaysButWithdrawsTheQuantity) {
  OfferId f;
  OrderId o;
  ContractId c = Active(&f, &o);
  Post(Register(), {.unit_price = 320000});
  ASSERT_FALSE(Run(CancelContract{customer_, c, {}, "Design changed"}).rejection);
  EXPECT_EQ(last_types(), Types{"contract.cancelled"});
  EXPECT_EQ(contract(c).cancelled_by, customer_);
  EXPECT_EQ(offer(f).calendar.free_total(), 80);
  EXPECT_EQ(order(o).allocated, 0);
  EXPECT_EQ(order(o).withdrawn, 16);
  EXPECT_EQ(order(o).remaining(), 0);
  EXPECT_EQ(order(o).status, OrderStatus::kCancelled);
  EXPECT_TRUE(member(supplier_).outcomes.empty());  // Not the supplier's doing.
}

TEST_F(ContractTest, ACustomerMayCancelWhileTheSupplierHasNotConfirmed) {
  OrderId o;
  ContractId c = Pending(nullptr, &o);
  ASSERT_FALSE(Run(CancelContract{customer_, c, {}, "Found it in stock"}).rejection);
  EXPECT_EQ(contract(c).state, ContractState::kCancelled);
  EXPECT_TRUE(state().contract_timers().empty());
  EXPECT_EQ(TickAt("2026-11-26T00:00:00Z"), Types{});
}

TEST_F(ContractTest, ASupplierWithBadOutcomesLosesATieItWouldOtherwiseWin) {
  MemberId careless = Register({.name = "Careless"});
  MemberId steady = Register({.name = "Steady"});
  // The careless supplier lets one order lapse.
  OfferId unconfirmed = Post(careless, {.auto_accept = false});
  OrderId lapsed = Place(customer_, {.quantity = 8});
  TickAt("2026-11-25T08:00:00Z");
  ASSERT_FALSE(Run(CancelOrder{customer_, lapsed, {}}).rejection);
  ASSERT_FALSE(Run(WithdrawOffer{careless, unconfirmed, {}}).rejection);
  EXPECT_DOUBLE_EQ(ReliabilityOf(careless), 4.0 / 6.0);

  // Same price, same place; the careless offer is older, so time priority would pick it.
  OfferId first = Post(careless, {.unit_price = 310000});
  OfferId second = Post(steady, {.unit_price = 310000});
  OrderId o = Place(customer_, {.quantity = 8});
  EXPECT_EQ(ContractOf(o).offer, second);
  EXPECT_DOUBLE_EQ(ContractOf(o).score.reliability, 0.8);

  // Without the outcome the older offer wins the tie.
  MemberId fresh = Register();
  OfferId third = Post(fresh, {.unit_price = 305000});
  OfferId fourth = Post(steady, {.unit_price = 305000});
  OrderId p = Place(customer_, {.quantity = 8});
  EXPECT_EQ(ContractOf(p).offer, third);
  (void)first;
  (void)fourth;
}

TEST_F(ContractTest, OutcomesOlderThanTheWindowStopCounting) {
  Pending();
  TickAt("2026-11-25T08:00:00Z");
  EXPECT_LT(ReliabilityOf(supplier_), 0.8);
  AdvanceTo("2027-05-23T09:00:00Z");  // 179 days after the lapse.
  Run(Tick{});
  EXPECT_LT(ReliabilityOf(supplier_), 0.8);
  AdvanceTo("2027-05-24T09:00:00Z");  // 180 days after.
  Run(Tick{});
  EXPECT_DOUBLE_EQ(ReliabilityOf(supplier_), 0.8);
}

TEST_F(ContractTest, TheOrderCompletesOnlyWhenItsLastContractIsSettled) {
  Post(supplier_, {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-01")});
  MemberId second = Register();
  Post(second,
       {.daily_capacity = 8, .from = D("2026-12-01"), .to = D("2026-12-01"), .unit_price = 310000});
  OrderId o = Place(customer_, {.quantity = 16});
  ASSERT_EQ(ContractsOf(o).size(), 2u);
  ContractId a = ContractOf(o, 0).id, b = ContractOf(o, 1).id;
  ASSERT_FALSE(Run(DeliverContract{supplier_, a, {}}).rejection);
  ASSERT_FALSE(Run(AcceptContract{customer_, a, {}}).rejection);
  EXPECT_EQ(order(o).status, OrderStatus::kAllocated);
  ASSERT_FALSE(Run(DeliverContract{second, b, {}}).rejection);
  ASSERT_FALSE(Run(AcceptContract{customer_, b, {}}).rejection);
  EXPECT_EQ(order(o).status, OrderStatus::kCompleted);
}

TEST_F(ContractTest, EveryStepNamesBothPartiesForTheFeed) {
  ContractId c = Delivered();
  ASSERT_FALSE(Run(AcceptContract{customer_, c, {}}).rejection);
  size_t steps = 0;
  for (const Event& e : events()) {
    if (std::holds_alternative<ContractCreated>(e.body)) continue;
    if (std::string(EventType(e.body)).rfind("contract.", 0) != 0) continue;
    ++steps;
    Parties p = PartiesOf(e.body);
    EXPECT_TRUE(p.Includes(customer_) && p.Includes(supplier_)) << EventType(e.body);
  }
  EXPECT_EQ(steps, 3u);
}

}  // namespace
}  // namespace subex

namespace subex {
namespace {

// A supplier with years of outcomes: the window of each day is found by binary search and summed
// by difference, and must equal counting the outcomes one by one; a restored state rebuilds the
// sums it does that with.
TEST(ReliabilityTest, AWindowOfALongHistoryCountsWhatCountingOneByOneWould) {
  std::mt19937 rng(3);
  const double values[] = {0, 0.5, 1};
  Day day = test::D("2024-01-01");
  std::vector<ReliabilityOutcome> outcomes;
  for (int i = 0; i < 3000; ++i) {
    day = day + static_cast<int32_t>(rng() % 3);  // Several outcomes on some days.
    outcomes.push_back({day, values[rng() % 3]});
  }
  StateImage image = test::ImageOfOneSupplier(std::move(outcomes));
  image.now = test::At("2027-06-01T00:00:00Z");
  const Params params;
  std::unique_ptr<State> state = State::Restore(test::SmallTaxonomy(), params, std::move(image));
  const Member& supplier = *state->member(MemberId{0});
  const ReliabilityParams& p = params.reliability;
  for (Day today = test::D("2023-12-01"); today <= day + 200; today = today + 5) {
    double sum = 0;
    int n = 0;
    for (const ReliabilityOutcome& o : supplier.outcomes) {
      if (o.day <= today - p.window_days || o.day > today) continue;
      sum += o.value;
      ++n;
    }
    const double counted = (p.prior * p.prior_weight + sum) / (p.prior_weight + n);
    ASSERT_EQ(state->Reliability(supplier, today), counted) << today.value;
  }
  std::vector<std::string> broken = CheckInvariants(*state);
  EXPECT_TRUE(broken.empty()) << broken.front();
}

}  // namespace
}  // namespace subex
