#include "analytics/history.h"

#include <set>

#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;
using Release = MarketHistory::Release;

class HistoryTest : public test::ExchangeTest {
 protected:
  // The first contract of `order` in `state`, oldest first, that is in `state_now`.
  ContractId Find(OrderId order, ContractState state_now) {
    for (const Contract* c : ContractsOf(order)) {
      if (c->state == state_now) return c->id;
    }
    ADD_FAILURE() << "no contract in that state";
    return ContractId{};
  }

  void Ok(const Command& command) {
    Engine::Outcome out = Run(command);
    ASSERT_FALSE(out.rejection) << out.rejection->message;
  }

  // A small market whose contracts end every way a contract can release its quantity.
  void Trade() {
    s1_ = Register({.name = "Supplier one"});
    s2_ = Register({.name = "Supplier two", .location = test::kVoronezh});
    customer_ = Register({.name = "Customer", .roles = kRoleCustomer});
    cluster_ = AddCluster("Lipetsk", {s1_, customer_});
    Post(s1_, {.unit_price = 200000, .auto_accept = false});  // Cheapest, even once unreliable.
    const OrderId declined = Place(customer_, {.quantity = 16});
    Ok(DeclineContract{.by = s1_, .contract = Find(declined, ContractState::kPendingConfirmation),
                       .reason = ""});
    Post(s2_, {.daily_capacity = 16, .to = D("2026-12-20")});  // Fills the declined order.
    const OrderId lapsing = Place(customer_, {.quantity = 8});
    TickAt("2026-11-26T00:00:00Z");  // 48 hours without confirmation: it lapses and rematches.
    Ok(CancelContract{.by = customer_,
                      .contract = Find(declined, ContractState::kActive),
                      .reason = "no longer needed"});
    Ok(CancelContract{.by = s2_,
                      .contract = Find(lapsing, ContractState::kActive),
                      .reason = "machine breakdown"});
    Place(customer_, {.quantity = 24});
    Ok(LeaveCluster{.cluster = cluster_, .member = customer_});
    Ok(UpdateMember{.member = s2_, .region = std::string("RU-VOR")});
  }

  MemberId s1_, s2_, customer_;
  ClusterId cluster_;
};

MarketHistory Fold(std::shared_ptr<const Taxonomy> taxonomy, std::span<const Event> events) {
  MarketHistory h(std::move(taxonomy));
  for (const Event& e : events) h.Apply(e);
  return h;
}

TEST_F(HistoryTest, TheFoldOfTheEventsIsTheHistoryOfTheState) {
  Trade();
  const MarketHistory folded = Fold(state().shared_taxonomy(), events());
  const MarketHistory loaded = MarketHistory::FromState(state());
  EXPECT_TRUE(folded == loaded);
  EXPECT_EQ(folded.last_seq(), state().last_seq());
  EXPECT_EQ(loaded.last_seq(), state().last_seq());

  std::set<Release> releases;
  for (const MarketHistory::Contract& c : folded.contracts()) releases.insert(c.release);
  EXPECT_EQ(releases,
            (std::set<Release>{Release::kNone, Release::kDeclined, Release::kLapsed,
                               Release::kCancelledBySupplier, Release::kCancelledByCustomer}));
}

// After a snapshot the early events are gone: a history loaded from the restored state at any
// point and carried forward by the later events is the history of the whole journal.
TEST_F(HistoryTest, LoadedPartWayAndCarriedForwardEqualsTheWholeFold) {
  Trade();
  const MarketHistory whole = Fold(state().shared_taxonomy(), events());
  for (size_t cut : {size_t{0}, size_t{5}, events().size() / 2, events().size()}) {
    Engine replica(state().shared_taxonomy(), state().params());
    for (size_t i = 0; i < cut; ++i) replica.Replay(events()[i]);
    MarketHistory h = MarketHistory::FromState(replica.state());
    for (size_t i = cut; i < events().size(); ++i) h.Apply(events()[i]);
    EXPECT_TRUE(h == whole) << "loaded after " << cut << " events";
  }
}

TEST_F(HistoryTest, KeepsQuantitiesAsTheEngineDoes) {
  Trade();
  const MarketHistory h = MarketHistory::FromState(state());
  ASSERT_EQ(h.orders().size(), state().orders().size());
  for (size_t i = 0; i < h.orders().size(); ++i) {
    EXPECT_EQ(h.orders()[i].allocated, state().orders()[i].allocated) << i;
    EXPECT_EQ(h.orders()[i].withdrawn, state().orders()[i].withdrawn) << i;
  }
  EXPECT_TRUE(h.member(s1_)->InCluster(cluster_));
  EXPECT_FALSE(h.member(customer_)->InCluster(cluster_));
  EXPECT_EQ(h.cluster(cluster_)->members, std::vector<MemberId>{s1_});
  EXPECT_EQ(h.member(s2_)->region, "RU-VOR");
}

TEST_F(HistoryTest, FindsAPeriodsRecordsByDay) {
  const MemberId supplier = Register();
  const MemberId customer = Register({.roles = kRoleCustomer});
  Post(supplier, {.daily_capacity = 100, .to = D("2026-12-31")});
  Place(customer, {.quantity = 8});  // 2026-11-23.
  AdvanceTo("2026-11-24T23:59:59Z");
  Place(customer, {.quantity = 8});  // 2026-11-24.
  AdvanceTo("2026-11-25T00:00:00Z");
  Place(customer, {.quantity = 8});  // 2026-11-25.
  const MarketHistory h = MarketHistory::FromState(state());
  const MarketHistory::Member& m = *h.member(customer);
  EXPECT_EQ(h.OrdersPlaced(m, D("2026-11-24"), D("2026-11-24")).size(), 1u);
  EXPECT_EQ(h.OrdersPlaced(m, D("2026-11-23"), D("2026-11-24")).size(), 2u);
  EXPECT_EQ(h.OrdersPlaced(m, D("2026-11-25"), D("2026-12-31")).size(), 1u);
  EXPECT_EQ(h.OrdersPlaced(m, D("2026-11-26"), D("2026-12-31")).size(), 0u);
  EXPECT_EQ(h.ContractsMade(*h.member(supplier), D("2026-11-01"), D("2026-11-30")).size(), 3u);
}

}  // namespace
}  // namespace subex
