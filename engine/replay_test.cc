// Specification of replay (PRODUCT §8): the events of a live engine, applied to a fresh one,
// rebuild the same state; the same commands at the same times give the same events and state.

#include <vector>

#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using test::D;

class ReplayTest : public test::ExchangeTest {
 protected:
  // A fortnight at the exchange: members and a cluster, offers, orders that match at once or
  // rest, a block, a suspension, a withdrawal, a cancellation and the expiry timers.
  void RunScenario() {
    MemberId lipetsk = Register({.location = test::kLipetsk, .certifications = {"ISO9001"}});
    MemberId voronezh = Register(
        {.region = "RU-VOR", .location = test::kVoronezh, .certifications = {"AS9100", "ISO9001"}});
    MemberId kazan = Register({.region = "RU-TA", .location = test::kKazan});
    MemberId chelny = Register(
        {.region = "RU-TA", .location = test::kNaberezhnyeChelny, .certifications = {"ISO9001"}});
    MemberId moscow = Register({.region = "RU-MOW", .location = test::kMoscow});
    ClusterId cluster = AddCluster("Chernozemye cluster", {voronezh, lipetsk});

    Post(voronezh, {.tags = {"steel"}, .limits = {{"max_length_mm", 1200}}});
    OfferId withdrawn =
        Post(chelny, {.daily_capacity = 16, .to = D("2026-12-31"), .unit_price = 280000});
    Post(kazan, {.process = "casting.steel", .daily_capacity = 500, .unit_price = 1500});
    Post(moscow, {.process = "casting.steel", .daily_capacity = 500, .unit_price = 2500});
    Place(lipetsk, {.quantity = 100,
                    .certifications = {"ISO9001"},
                    .tags = {"steel"},
                    .needs = {{"max_length_mm", 900}},
                    .min_lot = 8,
                    .prefer_clusters = {cluster},
                    .cluster_bonus = 5000});
    OrderId cancelled =
        Place(moscow, {.process = "casting", .quantity = 8000, .max_unit_price = 2000});
    Accept(BlockMember{.by = moscow, .other = chelny});
    Place(moscow, {.quantity = 500, .max_unit_price = 400000});
    Accept(SuspendMember{.member = kazan, .until = D("2026-11-24")});
    AdvanceTo("2026-11-24T10:00:00Z");
    Post(lipetsk, {.from = D("2026-12-05"), .to = D("2026-12-25")});
    Accept(WithdrawOffer{.by = chelny, .offer = withdrawn});
    Accept(CancelOrder{.by = moscow, .order = cancelled});
    TickAt("2026-12-11T00:00:00Z");
    TickAt("2026-12-21T00:00:00Z");
  }

  void Accept(const Command& command) {
    Engine::Outcome out = Run(command);
    EXPECT_FALSE(out.rejection.has_value()) << out.rejection->message;
  }

  static std::shared_ptr<Engine> Fresh() {
    return std::make_shared<Engine>(test::SmallTaxonomy(), Params{});
  }
};

TEST_F(ReplayTest, ScenarioKeepsTheInvariants) {
  RunScenario();
  EXPECT_EQ(state().contracts().size(), 3u);
  EXPECT_EQ(state().offer(OfferId{3})->status, OfferStatus::kExpired);
  EXPECT_EQ(state().order(OrderId{0})->status, OrderStatus::kExpired);
  EXPECT_EQ(CheckInvariants(state()), std::vector<std::string>{});
}

TEST_F(ReplayTest, EventsRebuildTheSameState) {
  RunScenario();
  std::shared_ptr<Engine> fresh = Fresh();
  for (const Event& e : events()) fresh->Replay(e);
  EXPECT_EQ(fresh->state().last_seq(), state().last_seq());
  EXPECT_EQ(fresh->state().now(), state().now());
  EXPECT_EQ(StateHash(fresh->state()), StateHash(state()));
  EXPECT_EQ(CheckInvariants(fresh->state()), std::vector<std::string>{});
}

TEST_F(ReplayTest, SequenceNumbersAreGapFreeFromOne) {
  RunScenario();
  ASSERT_FALSE(events().empty());
  for (size_t i = 0; i < events().size(); ++i) EXPECT_EQ(events()[i].seq, i + 1);
}

TEST_F(ReplayTest, SameCommandsAtTheSameTimesGiveTheSameEvents) {
  RunScenario();
  std::shared_ptr<Engine> twin = Fresh();
  std::vector<const char*> types;
  for (const Executed& c : commands()) {
    for (const Event& e : twin->Execute(c.command, c.at).events) types.push_back(EventType(e.body));
  }
  ASSERT_EQ(types.size(), events().size());
  for (size_t i = 0; i < types.size(); ++i) EXPECT_STREQ(types[i], EventType(events()[i].body));
  EXPECT_EQ(StateHash(twin->state()), StateHash(state()));
}

TEST_F(ReplayTest, ReplayedEngineContinuesLikeTheLiveOne) {
  RunScenario();
  std::shared_ptr<Engine> fresh = Fresh();
  for (const Event& e : events()) fresh->Replay(e);
  OfferId offer = Post(MemberId{2}, {.from = D("2026-12-21"), .to = D("2026-12-31")});
  ASSERT_TRUE(offer.valid());
  Engine::Outcome out = fresh->Execute(commands().back().command, commands().back().at);
  ASSERT_FALSE(out.rejection.has_value());
  EXPECT_EQ(out.events.back().seq, state().last_seq());
  EXPECT_EQ(StateHash(fresh->state()), StateHash(state()));
}

TEST_F(ReplayTest, EveryEventCounts) {
  RunScenario();
  std::shared_ptr<Engine> fresh = Fresh();
  for (size_t i = 0; i + 1 < events().size(); ++i) fresh->Replay(events()[i]);
  EXPECT_NE(StateHash(fresh->state()), StateHash(state()));
}

}  // namespace
}  // namespace subex
