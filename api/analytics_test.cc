#include "api/analytics.h"

#include <thread>
#include <vector>

#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

class AnalyticsTest : public test::ExchangeTest {
 protected:
  // A small market: two clusters' worth of members trading.
  void Trade(int orders) {
    const MemberId s = Register({.roles = kRoleSupplier});
    const MemberId c = Register({.roles = kRoleCustomer});
    AddCluster("K", {s});
    Post(s, {.daily_capacity = 100, .to = D("2026-12-31")});
    for (int i = 0; i < orders; ++i) Place(c, {.quantity = 8});
  }

  // The state after the first `n` events, as a restored engine would hold it.
  std::unique_ptr<Engine> After(size_t n) {
    auto replica = std::make_unique<Engine>(state().shared_taxonomy(), state().params());
    for (size_t i = 0; i < n; ++i) replica->Replay(events()[i]);
    return replica;
  }

  bool Matches(Analytics& a) {
    return a.Read([&](const MarketHistory& h) { return h == MarketHistory::FromState(state()); });
  }
};

// The listener may run before the load: what it hands over before is in the load, what it hands
// over again after is skipped, and the rest is folded in once.
TEST_F(AnalyticsTest, TakesEveryDurableEventOnceAroundTheLoad) {
  Trade(10);
  const size_t cut = events().size() / 2;
  Analytics a(state().shared_taxonomy());
  a.Observe(std::span<const Event>(events()).first(cut));  // Before the load: dropped.
  a.Load(After(cut)->state());
  a.Observe(std::span<const Event>(events()).first(cut + 3));  // Overlaps the load.
  a.Observe(std::span<const Event>(events()).subspan(cut + 3));
  EXPECT_TRUE(Matches(a));
}

// Batches arrive on one thread while readers read on others: every reader sees a history, and
// once the last batch is in, every event is in it exactly once.
TEST_F(AnalyticsTest, ReadersAndTheListenerRunConcurrently) {
  Trade(2500);  // Enough events that the listener folds the queue in itself too.
  Analytics a(state().shared_taxonomy());
  a.Load(After(0)->state());
  std::thread listener([&] {
    for (const Event& e : events()) a.Observe(std::span<const Event>(&e, 1));
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        a.Read([](const MarketHistory& h) { return h.contracts().size(); });
      }
    });
  }
  listener.join();
  for (std::thread& t : readers) t.join();
  EXPECT_TRUE(Matches(a));
}

}  // namespace
}  // namespace subex
