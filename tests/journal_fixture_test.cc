// Old data still reads (tests/journal_fixture.h): the journal and snapshot in
// tests/fixtures/journal/, written by an earlier build, replay to the market its writer
// (journal_fixture_writer.cc) made. The expected facts follow from the writer's script; the
// counts and the state hash are the ones the writing build printed.

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "engine/civil_time.h"
#include "engine/engine.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "gtest/gtest.h"
#include "storage/journal.h"
#include "storage/snapshot.h"
#include "tests/journal_fixture.h"

namespace subex {
namespace {

namespace fs = std::filesystem;

constexpr uint64_t kEvents = 263;
constexpr uint64_t kSnapshotSeq = 172;
constexpr uint64_t kStateHash = 0x2ca5d3b42ff9e473;

class JournalFixtureTest : public ::testing::Test {
 protected:
  // RocksDB writes to a directory it opens: the test opens a copy.
  void SetUp() override {
    dir_ = fs::path(::testing::TempDir()) /
           ("journal_fixture_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::copy(fs::path(SUBEX_SOURCE_DIR) / "tests/fixtures/journal", dir_,
             fs::copy_options::recursive);
    absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = dir_.string()});
    ASSERT_TRUE(journal.ok()) << journal.status();
    journal_ = *std::move(journal);
  }
  void TearDown() override {
    journal_.reset();
    fs::remove_all(dir_);
  }

  // Replays the journal's events after `after` into `engine`, counting them by type.
  void Replay(Engine& engine, uint64_t after, std::map<std::string, int>* types = nullptr) {
    absl::Status s = journal_->Replay(after, [&](const Event& e) {
      if (types != nullptr) ++(*types)[EventType(e.body)];
      engine.Replay(e);
      return absl::OkStatus();
    });
    ASSERT_TRUE(s.ok()) << s;
  }

  fs::path dir_;
  std::unique_ptr<Journal> journal_;
};

// What the writer's script made: its members, rfq orders, keys and contract lives, and the
// counts and hash the writing build printed.
void ExpectWrittenMarket(const State& s) {
  EXPECT_EQ(s.last_seq(), kEvents);
  EXPECT_EQ(StateHash(s), kStateHash);
  EXPECT_EQ(CheckInvariants(s), std::vector<std::string>{});
  EXPECT_EQ(s.public_id_secret(), std::string(kPublicIdSecretBytes, 'k'));
  ASSERT_EQ(s.members().size(), 10u);
  ASSERT_EQ(s.offers().size(), 59u);
  ASSERT_EQ(s.orders().size(), 44u);
  ASSERT_EQ(s.contracts().size(), 58u);
  ASSERT_EQ(s.bids().size(), 5u);

  // Members: the update, the cluster moves, the platform and the keys.
  const Member& yelets = *s.member(MemberId{2});
  EXPECT_EQ(yelets.name, "Yelets Gear & Shaft Works");
  EXPECT_EQ(yelets.location, (GeoPoint{52.63, 38.49}));
  EXPECT_EQ(yelets.certifications.size(), 2u);
  EXPECT_EQ(s.cluster(ClusterId{0})->members,
            (std::vector<MemberId>{MemberId{0}, MemberId{2}, MemberId{3}, MemberId{9}}));
  EXPECT_EQ(s.cluster(ClusterId{1})->members, (std::vector<MemberId>{MemberId{1}, MemberId{4}}));
  EXPECT_EQ(s.member(MemberId{0})->platforms, std::vector<MemberId>{MemberId{8}});
  EXPECT_TRUE(s.member(MemberId{1})->platforms.empty());
  EXPECT_TRUE(s.member(MemberId{1})->Blocks(MemberId{7}));
  EXPECT_FALSE(s.member(MemberId{0})->Blocks(MemberId{6}));
  EXPECT_FALSE(s.member(MemberId{6})->suspended_until.has_value());
  ASSERT_EQ(s.key_list().size(), 5u);
  EXPECT_TRUE(s.key(KeyId{4})->revoked);
  EXPECT_EQ(s.key(KeyId{4})->kind, KeyKind::kAnalyst);
  EXPECT_EQ(s.key(std::string(64, 'd'))->member, MemberId{8});

  // An allocation: order 0's contract, accepted, on the offer's last free days.
  const Contract& first = *s.contract(ContractId{0});
  EXPECT_EQ(first.order, OrderId{0});
  EXPECT_EQ(first.offer, OfferId{36});
  EXPECT_EQ(first.supplier, MemberId{3});
  EXPECT_EQ(first.quantity, 10);
  EXPECT_EQ(first.unit_price, 250'000);
  EXPECT_EQ(first.state, ContractState::kAccepted);
  EXPECT_EQ(first.days, (std::vector<DayQuantity>{{*ParseDay("2026-12-11"), 5},
                                                  {*ParseDay("2026-12-12"), 5}}));
  EXPECT_EQ(s.order(OrderId{0})->status, OrderStatus::kCompleted);
  EXPECT_EQ(s.contract(ContractId{1})->state, ContractState::kDisputed);
  EXPECT_EQ(s.contract(ContractId{20})->state, ContractState::kCancelled);
  // Customers' cancellations withdraw what they held.
  EXPECT_EQ(s.order(OrderId{4})->withdrawn, 38);
  EXPECT_EQ(s.order(OrderId{4})->status, OrderStatus::kCancelled);
  EXPECT_EQ(s.order(OrderId{29})->allocated, 33);
  EXPECT_EQ(s.order(OrderId{29})->withdrawn, 12);
  int by_state[8] = {};
  for (const Contract& c : s.contracts()) ++by_state[static_cast<int>(c.state)];
  EXPECT_EQ(by_state[static_cast<int>(ContractState::kDeclined)], 4);
  EXPECT_EQ(by_state[static_cast<int>(ContractState::kLapsed)], 8);
  EXPECT_EQ(by_state[static_cast<int>(ContractState::kAccepted)], 5);

  // The resting order expired, the other was cancelled; the short offer expired.
  EXPECT_EQ(s.order(OrderId{39})->status, OrderStatus::kExpired);
  EXPECT_EQ(s.order(OrderId{40})->status, OrderStatus::kCancelled);
  int offers[4] = {};
  for (const CapacityOffer& o : s.offers()) ++offers[static_cast<int>(o.status)];
  EXPECT_EQ(offers[static_cast<int>(OfferStatus::kOpen)], 52);
  EXPECT_EQ(offers[static_cast<int>(OfferStatus::kExhausted)], 4);
  EXPECT_EQ(offers[static_cast<int>(OfferStatus::kWithdrawn)], 2);
  EXPECT_EQ(offers[static_cast<int>(OfferStatus::kExpired)], 1);

  // rfq: the automatic award, the manual one whose first bid failed, the one nobody bid on.
  EXPECT_EQ(s.order(OrderId{41})->status, OrderStatus::kAllocated);
  EXPECT_EQ(s.order(OrderId{42})->status, OrderStatus::kAllocated);
  EXPECT_EQ(s.order(OrderId{43})->status, OrderStatus::kUnawarded);
  EXPECT_EQ(s.order(OrderId{42})->award, AwardMode::kManual);
  EXPECT_EQ(s.bid(BidId{0})->status, BidStatus::kLost);
  EXPECT_EQ(s.bid(BidId{1})->status, BidStatus::kAwarded);
  EXPECT_EQ(s.bid(BidId{2})->status, BidStatus::kWithdrawn);
  EXPECT_EQ(s.bid(BidId{3})->status, BidStatus::kFailed);
  EXPECT_EQ(s.bid(BidId{3})->reason, "offer_withdrawn");
  EXPECT_EQ(s.bid(BidId{4})->status, BidStatus::kAwarded);
  EXPECT_EQ(s.contract(s.bid(BidId{4})->contract)->supplier, MemberId{9});
}

TEST_F(JournalFixtureTest, EveryEventTypeReplaysToTheWrittenMarket) {
  ASSERT_EQ(journal_->last_seq(), kEvents);
  Engine engine(fixture::JournalTaxonomy(), fixture::JournalParams());
  std::map<std::string, int> types;
  Replay(engine, 0, &types);
  EXPECT_EQ(types.size(), std::variant_size_v<EventBody>);
  EXPECT_EQ(types["contract.created"], 58);
  EXPECT_EQ(types["order.placed"], 44);
  ExpectWrittenMarket(engine.state());
}

// Recovery's way: the bulk replay rebuilds the books at the end.
TEST_F(JournalFixtureTest, BulkReplayReachesTheSameMarket) {
  Engine engine(fixture::JournalTaxonomy(), fixture::JournalParams());
  engine.BeginBulkReplay();
  Replay(engine, 0);
  engine.EndBulkReplay();
  ExpectWrittenMarket(engine.state());
}

TEST_F(JournalFixtureTest, SnapshotAndTheEventsAfterItReachTheSameMarket) {
  absl::StatusOr<std::optional<Journal::Snapshot>> snapshot = journal_->LatestSnapshot();
  ASSERT_TRUE(snapshot.ok()) << snapshot.status();
  ASSERT_TRUE(snapshot->has_value());
  EXPECT_EQ((*snapshot)->seq, kSnapshotSeq);
  absl::StatusOr<std::unique_ptr<State>> state = DecodeSnapshot(
      (*snapshot)->bytes, fixture::JournalTaxonomy(), fixture::JournalParams());
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ((*state)->last_seq(), kSnapshotSeq);
  EXPECT_EQ((*state)->orders().size(), 41u);  // Before the rfq orders.
  Engine engine(*std::move(state));
  Replay(engine, kSnapshotSeq);
  ExpectWrittenMarket(engine.state());
}

}  // namespace
}  // namespace subex
