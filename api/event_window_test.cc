#include "api/event_window.h"

#include <string>
#include <variant>
#include <vector>

#include "api/json_writer.h"
#include "api/views.h"
#include "api/visibility.h"
#include "engine/test_fixture.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

using C = Viewer::Class;
using test::OrderSpec;

// A market with an event of most kinds: profiles, a cluster, offers, public, invited and
// clusters-only orders, contracts, an rfq order's announcement and bids, a block, a platform.
class EventWindowTest : public test::ExchangeTest {
 protected:
  void SetUp() override {
    for (int i = 0; i < 5; ++i) m_.push_back(Register());
    m_.push_back(Register({.roles = kRolePlatform, .processes = {}}));
    ClusterId cluster = AddCluster("Lipetsk", {m_[0], m_[1]});
    Post(m_[0]);
    Post(m_[1], {.process = "casting.steel", .daily_capacity = 100});
    Place(m_[2], {.quantity = 8});
    Place(m_[3], {.quantity = 4, .visibility = Visibility::kInvited, .invited = {m_[1]}});
    Place(m_[4], {.quantity = 4, .visibility = Visibility::kClusters,
                  .visible_to_clusters = {cluster}});
    ASSERT_FALSE(Run(BlockMember{.by = m_[2], .other = m_[5]}).rejection.has_value());
    ASSERT_FALSE(Run(BlockMember{.by = m_[1], .other = m_[3]}).rejection.has_value());
    ASSERT_FALSE(Run(AuthorizePlatform{.by = m_[2], .platform = m_[5]}).rejection.has_value());
    OrderSpec rfq_spec{.quantity = 4};
    rfq_spec.mode = OrderMode::kRfq;
    rfq_spec.bids_close_at = test::At("2026-11-25T12:00:00Z");
    OrderId rfq = Place(m_[3], rfq_spec);
    ASSERT_FALSE(
        Run(PlaceBid{
                {.unit_price = 200000, .quantity = 4, .lead_days = 3}, m_[0], rfq, std::nullopt})
            .rejection.has_value());
    Place(m_[2], {.quantity = 4});
    size_t announced = 0;
    for (const Event& e : events()) announced += std::holds_alternative<OrderAnnounced>(e.body);
    ASSERT_EQ(announced, 1u);
  }

  // Every viewer the rule knows: the operator, each member, each platform without a member.
  std::vector<Viewer> Viewers() const {
    std::vector<Viewer> out{{C::kOperator, {}}, {C::kNone, {}}};
    for (MemberId m : m_) {
      out.push_back({C::kMember, m});
      out.push_back({C::kPublic, m});
    }
    return out;
  }

  // What the rule gives `v` of the events after `after`, without the state: seq and view.
  std::vector<std::pair<uint64_t, EventView>> Expected(const Viewer& v, uint64_t after) const {
    std::vector<std::pair<uint64_t, EventView>> out;
    for (const Event& e : events()) {
      const EventView view = ViewOf(e.body, v, nullptr);
      if (e.seq > after && view != EventView::kHidden) out.emplace_back(e.seq, view);
    }
    return out;
  }

  // Every page of `v` from `after` on, as a follower would read them.
  std::vector<std::pair<uint64_t, EventView>> Follow(const EventWindow& w, const Viewer& v,
                                                     uint64_t after, size_t limit,
                                                     size_t max_bytes = 1 << 20) const {
    std::vector<std::pair<uint64_t, EventView>> out;
    for (int pages = 0; pages < 1000; ++pages) {
      EventWindow::Page p = w.Collect(v, after, limit, max_bytes);
      EXPECT_LE(p.items.size(), limit);
      for (const EventWindow::Item& i : p.items) out.emplace_back(i.seq, i.view);
      if (p.next == after) break;
      EXPECT_GT(p.next, after);
      after = p.next;
    }
    return out;
  }

  std::vector<MemberId> m_;
};

TEST_F(EventWindowTest, EveryViewerGetsExactlyItsEventsInOrderPageByPage) {
  ASSERT_GT(events().size(), 20u);
  EventWindow w({}, 0);
  w.Append(EventWindow::Encode(events(), state().taxonomy()));
  EXPECT_EQ(w.last(), events().back().seq);
  for (const Viewer& v : Viewers()) {
    for (size_t limit : {1, 3, 100}) {
      EXPECT_EQ(Follow(w, v, 0, limit), Expected(v, 0))
          << "class " << static_cast<int>(v.cls) << " member " << v.member.value << " limit "
          << limit;
    }
  }
}

TEST_F(EventWindowTest, TheStateDependentRowsComeBackAsAsksWithTheirEvent) {
  EventWindow w({}, 0);
  w.Append(EventWindow::Encode(events(), state().taxonomy()));
  size_t asks = 0;
  for (const Viewer& v : Viewers()) {
    for (const EventWindow::Item& i : w.Collect(v, 0, 1000, 1 << 20).items) {
      if (i.view != EventView::kAsk) continue;
      ++asks;
      ASSERT_NE(i.event, nullptr);
      EXPECT_EQ(i.event->seq, i.seq);
    }
  }
  EXPECT_GT(asks, 0u);  // bid.placed for the operator, public orders for platforms.
}

TEST_F(EventWindowTest, EachViewIsEncodedOnceAsTheViewsRenderIt) {
  std::vector<EventWindow::Entry> entries = EventWindow::Encode(events(), state().taxonomy());
  ASSERT_EQ(entries.size(), events().size());
  size_t sealed = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    JsonWriter full;
    WriteEvent(full, state().taxonomy(), events()[i], EventView::kFull);
    EXPECT_EQ(*entries[i].full, full.str());
    if (std::holds_alternative<BidPlaced>(events()[i].body)) {
      JsonWriter s;
      WriteEvent(s, state().taxonomy(), events()[i], EventView::kSealed);
      ASSERT_NE(entries[i].sealed, nullptr);
      EXPECT_EQ(*entries[i].sealed, s.str());
      EXPECT_NE(*entries[i].sealed, *entries[i].full);
      ++sealed;
    } else {
      EXPECT_EQ(entries[i].sealed, nullptr);
    }
  }
  EXPECT_EQ(sealed, 1u);
}

TEST_F(EventWindowTest, TheOldestLeaveFirstAndTheIndexForgetsThem) {
  const size_t n = events().size();
  EventWindow w({.max_events = 5, .max_bytes = size_t{1} << 30}, 0);
  // One event at a time, as batches come.
  for (const Event& e : events()) w.Append(EventWindow::Encode({&e, 1}, state().taxonomy()));
  EXPECT_EQ(w.size(), 5u);
  EXPECT_EQ(w.base(), n - 5);
  EXPECT_FALSE(w.Covers(n - 6));
  EXPECT_TRUE(w.Covers(n - 5));
  for (const Viewer& v : Viewers()) {
    EXPECT_EQ(Follow(w, v, n - 5, 2), Expected(v, n - 5)) << static_cast<int>(v.cls);
  }
}

TEST_F(EventWindowTest, TheByteBoundEvictsButKeepsTheNewest) {
  EventWindow w({.max_events = 1'000'000, .max_bytes = 1'024}, 0);
  w.Append(EventWindow::Encode(events(), state().taxonomy()));
  EXPECT_GE(w.size(), 1u);
  EXPECT_LT(w.size(), events().size());
  EXPECT_TRUE(w.size() == 1 || w.bytes() <= 1'024);
  EXPECT_EQ(w.last(), events().back().seq);
}

TEST_F(EventWindowTest, APageStopsBeforeItsByteBoundButNeverEmpty) {
  EventWindow w({}, 0);
  w.Append(EventWindow::Encode(events(), state().taxonomy()));
  const Viewer op{C::kOperator, {}};
  EventWindow::Page one = w.Collect(op, 0, 1000, 1);
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_EQ(one.next, one.items[0].seq);
  EventWindow::Page some = w.Collect(op, 0, 1000, 2'000);
  size_t bytes = 0;
  for (const EventWindow::Item& i : some.items) bytes += i.full->size();
  EXPECT_LE(bytes, 2'000u);
  EXPECT_LT(some.items.size(), events().size());
  // Following with the byte bound still reads everything, in order.
  EXPECT_EQ(Follow(w, op, 0, 1000, 2'000), Expected(op, 0));
}

TEST_F(EventWindowTest, AGapRestartsTheWindowAfterIt) {
  const size_t n = events().size();
  EventWindow w({}, 0);
  std::span<const Event> all(events());
  w.Append(EventWindow::Encode(all.first(3), state().taxonomy()));
  w.Append(EventWindow::Encode(all.subspan(6), state().taxonomy()));  // 4..6 never came.
  EXPECT_EQ(w.base(), 6u);
  EXPECT_FALSE(w.Covers(3));
  EXPECT_EQ(w.size(), n - 6);
  w.Restart(n + 10);
  EXPECT_EQ(w.size(), 0u);
  EXPECT_TRUE(w.Covers(n + 10));
  EXPECT_TRUE(w.Collect({C::kOperator, {}}, n + 10, 10, 1 << 20).items.empty());
}

TEST_F(EventWindowTest, AMemberIsIndexedForExactlyTheEventsItMaySee) {
  for (const Event& e : events()) {
    const std::vector<MemberId> listed = EventWindow::MembersOf(e.body);
    for (MemberId m : m_) {
      const bool sees = ViewOf(e.body, {C::kMember, m}, nullptr) != EventView::kHidden;
      EXPECT_EQ(std::find(listed.begin(), listed.end(), m) != listed.end(), sees)
          << EventType(e.body) << " member " << m.value;
    }
  }
}

}  // namespace
}  // namespace subex
