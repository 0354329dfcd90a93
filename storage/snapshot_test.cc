// Specification of snapshots (storage/snapshot.h): a restored state is the state that was
// encoded (same StateHash, same indexes, no invariant broken) and goes on exactly like it (same
// events for the same commands); any damage is refused with a message that names it.

#include "storage/snapshot.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "engine/civil_time.h"
#include "engine/engine.h"
#include "engine/inn.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "engine/taxonomy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/binary.h"
#include "storage/codec.h"
#include "storage/crc32c.h"

namespace subex {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kMsPerHour = 3'600'000;
const char* const kProcesses[] = {
    "machining",         "machining.milling", "machining.milling.cnc_5axis",
    "machining.turning", "casting",           "casting.sand"};
const char* const kTags[] = {"aluminium", "steel", "titanium"};
const char* const kCerts[] = {"iso9001", "iatf16949", "gost_rv"};

std::shared_ptr<const Taxonomy> MakeTaxonomy(bool with_welding = false) {
  std::vector<ProcessSpec> specs = {
      {"machining", "Machining", "machine_hour", 0.12},
      {"machining.milling", "Milling", "", -1},
      {"machining.milling.cnc_5axis", "5-axis CNC milling", "", -1},
      {"machining.turning", "Turning", "", -1},
      {"casting", "Casting", "kg", 0.03},
      {"casting.sand", "Sand casting", "", -1},
  };
  if (with_welding) specs.push_back({"welding", "Welding", "piece", 0.25});
  absl::StatusOr<Taxonomy> t = Taxonomy::Create(std::move(specs));
  EXPECT_TRUE(t.ok()) << t.status();
  return std::make_shared<const Taxonomy>(*std::move(t));
}

// Random but plausible commands for a small market near Lipetsk: most are accepted, some are
// rejected, many match.
class CommandSource {
 public:
  explicit CommandSource(uint64_t seed) : rng_(seed) {}

  Command Next(const State& s, Instant& now) {
    now.unix_ms += Int(0, 30) * 60'000;
    const Day today = DayOf(now);
    const int members = static_cast<int>(s.members().size());
    const int roll = members < 12 ? 0 : Int(0, 99);
    if (roll < 2) return Register();
    if (roll < 3) {
      CreateCluster c;
      c.name = absl::StrCat("Cluster ", Int(0, 999));
      c.region = "RU-LIP";
      return c;
    }
    if (roll < 28) return Offer(s, today);
    if (roll < 53) return Order(s, today);
    if (roll < 65) {
      now.unix_ms += Int(1, 16) * kMsPerHour;
      return Tick{};
    }
    if (roll < 70) {
      OfferId id{static_cast<uint32_t>(Int(0, static_cast<int>(s.offers().size())))};
      const CapacityOffer* o = s.offer(id);
      return WithdrawOffer{.by = o != nullptr && Chance(0.9) ? o->supplier : Any(s), .offer = id};
    }
    if (roll < 75) {
      OrderId id{static_cast<uint32_t>(Int(0, static_cast<int>(s.orders().size())))};
      const subex::Order* o = s.order(id);
      return CancelOrder{.by = o != nullptr && Chance(0.9) ? o->customer : Any(s), .order = id};
    }
    if (roll < 78) return BlockMember{.by = Any(s), .other = Any(s)};
    if (roll < 80) return UnblockMember{.by = Any(s), .other = Any(s)};
    if (roll < 83) {
      std::optional<Day> until;
      if (Chance(0.6)) until = today + Int(0, 4);
      return SuspendMember{.member = Any(s), .until = until};
    }
    if (roll < 86) return JoinCluster{.cluster = AnyCluster(s), .member = Any(s)};
    if (roll < 87) return LeaveCluster{.cluster = AnyCluster(s), .member = Any(s)};
    if (roll < 92) return Step(s);
    if (roll < 98) return Bidding(s);
    UpdateMember c;
    c.member = Any(s);
    if (Chance(0.7)) c.location = Location();
    if (Chance(0.3)) c.certifications = Subset(kCerts, 0.4);
    return c;
  }

  // The next step of a contract, by the party whose step it is.
  Command Step(const State& s) {
    ContractId id{static_cast<uint32_t>(Int(0, static_cast<int>(s.contracts().size())))};
    if (!s.contract_timers().empty() && Chance(0.5))
      id = ContractId{s.contract_timers().begin()->second};
    const Contract* c = s.contract(id);
    if (c == nullptr) return Tick{};
    switch (c->state) {
      case ContractState::kPendingConfirmation:
        if (Chance(0.2)) return CancelContract{c->customer, id, c->revision, "Not needed"};
        if (Chance(0.5)) return ConfirmContract{c->supplier, id, c->revision};
        return DeclineContract{c->supplier, id, {}, "Booked"};
      case ContractState::kActive:
        if (Chance(0.2))
          return CancelContract{Chance(0.5) ? c->customer : c->supplier, id, {}, "Why"};
        return DeliverContract{c->supplier, id, {}};
      case ContractState::kDelivered:
        if (Chance(0.3)) return DisputeContract{c->customer, id, {}, "Porosity"};
        return AcceptContract{c->customer, id, {}};
      default:
        return AcceptContract{c->customer, id, {}};  // Rejected: already settled.
    }
  }

 private:
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool Chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  MemberId Any(const State& s) {
    return MemberId{static_cast<uint32_t>(Int(0, static_cast<int>(s.members().size()) - 1))};
  }
  ClusterId AnyCluster(const State& s) {
    return ClusterId{static_cast<uint32_t>(Int(0, static_cast<int>(s.clusters().size())))};
  }
  GeoPoint Location() {
    if (Chance(0.15)) return {55.79, 49.12};  // Kazan, far from the rest.
    return {52.6 + Real(-1.5, 1.5), 39.6 + Real(-2.5, 2.5)};
  }
  template <size_t N>
  std::vector<std::string> Subset(const char* const (&from)[N], double p) {
    std::vector<std::string> out;
    for (const char* s : from) {
      if (Chance(p)) out.push_back(s);
    }
    return out;
  }

  Command Register() {
    ++registered_;
    return RegisterMember{
        {.name = absl::StrCat("Member ", registered_),
         .region = "RU-LIP",
         .location = Location(),
         .roles = Chance(0.8) ? uint8_t{kRoleCustomer | kRoleSupplier} : uint8_t{kRoleSupplier}},
        kOperator,
        CompanyInn(absl::StrCat(480000000 + registered_ * 7919)),
        {"machining", "casting"},
        Subset(kCerts, 0.4)};
  }

  Command Offer(const State& s, Day today) {
    PostOffer c;
    c.by = Any(s);
    c.process = kProcesses[Int(0, 5)];
    c.daily_capacity = Int(1, 20);
    c.from = today + Int(-2, 30);
    c.to = c.from + Int(0, 20);
    c.unit_price = Int(50, 80) * 100;
    if (Chance(0.3)) c.min_lot = Int(1, 30);
    c.tags = Subset(kTags, 0.3);
    if (Chance(0.4)) c.limits.push_back({"max_length_mm", Int(2, 10) * 100});
    c.auto_accept = !Chance(0.1);
    return c;
  }

  Command Order(const State& s, Day today) {
    PlaceOrder c;
    c.by = Any(s);
    c.title = "Parts";
    c.process = kProcesses[Int(0, 5)];
    c.quantity = Int(1, 120);
    c.start = today + Int(-2, 25);
    c.due = c.start + Int(0, 25);
    c.max_unit_price = Int(55, 90) * 100;
    if (Chance(0.3)) c.max_distance_km = Real(50, 1500);
    if (Chance(0.1)) c.location = Location();
    c.certifications = Subset(kCerts, 0.1);
    c.tags = Subset(kTags, 0.1);
    if (Chance(0.15)) c.needs.push_back({"max_length_mm", Int(2, 10) * 100});
    if (Chance(0.3)) c.min_lot = Int(1, static_cast<int>(c.quantity));
    if (Chance(0.15) && !s.clusters().empty()) {
      c.visibility = Visibility::kClusters;
      c.visible_to_clusters = {AnyCluster(s)};
    } else if (Chance(0.15)) {
      c.visibility = Visibility::kInvited;
      c.invited = {Any(s)};
    }
    if (Chance(0.25) && !s.clusters().empty()) {
      c.prefer_clusters = {AnyCluster(s)};
      c.cluster_bonus = Int(1, 20) * 100;
    }
    if (Chance(0.2)) {
      c.expires_at =
          Instant{std::min(s.now().unix_ms + Int(1, 72) * kMsPerHour, StartOf(c.due + 1).unix_ms)};
    }
    if (Chance(0.25)) {
      c.mode = OrderMode::kRfq;
      c.bids_close_at = Instant{StartOf(today).unix_ms + Int(25, 120) * kMsPerHour};
      if (Chance(0.5)) c.award = AwardMode::kManual;
    }
    return c;
  }

  // Bids on orders still bidding, withdrawals, and manual awards.
  Command Bidding(const State& s) {
    std::vector<OrderId> bidding, awarding;
    for (const subex::Order& o : s.orders()) {
      if (o.status == OrderStatus::kBidding) bidding.push_back(o.id);
      if (o.status == OrderStatus::kAwarding) awarding.push_back(o.id);
    }
    const int roll = Int(0, 9);
    if (roll < 6 && !bidding.empty()) {
      const subex::Order& o = *s.order(bidding[Int(0, int(bidding.size()) - 1)]);
      PlaceBid c{{.unit_price = Int(40, 95) * 100,
                  .quantity = Int(int(o.min_lot), int(o.quantity)),
                  .lead_days = Int(0, 3)},
                 Any(s),
                 o.id};
      const Member& m = *s.member(c.by);
      if (!m.offers.empty() && Chance(0.3)) c.offer = m.offers[Int(0, int(m.offers.size()) - 1)];
      return c;
    }
    if (roll < 8 && !s.bids().empty()) {
      const Bid& b = s.bids()[Int(0, int(s.bids().size()) - 1)];
      return WithdrawBid{.by = b.supplier, .bid = b.id};
    }
    if (awarding.empty()) return Tick{};
    const subex::Order& o = *s.order(awarding[Int(0, int(awarding.size()) - 1)]);
    AwardBids c{.by = o.customer, .order = o.id};
    if (!o.bids.empty()) c.bids.push_back(o.bids[Int(0, int(o.bids.size()) - 1)]);
    return c;
  }

  std::mt19937_64 rng_;
  int registered_ = 0;
};

// A market after `commands` random commands.
struct Market {
  Market(uint64_t seed, int commands)
      : taxonomy(MakeTaxonomy()), engine(taxonomy, Params{}), source(seed) {
    now = StartOf(*ParseDay("2026-03-02"));
    for (int i = 0; i < commands; ++i) engine.Execute(source.Next(engine.state(), now), now);
  }
  std::shared_ptr<const Taxonomy> taxonomy;
  Engine engine;
  CommandSource source;
  Instant now;
};

std::string Snapshot(const State& state) {
  std::string bytes;
  EncodeSnapshot(state, bytes);
  return bytes;
}

// The event's encoding: equal bytes, equal events.
std::string Bytes(const Event& e) {
  std::string out;
  EncodeEvent(e, out);
  return out;
}

void FixChecksum(std::string& bytes) {
  std::string crc;
  Writer(crc).PutFixed32(Crc32c(std::string_view(bytes).substr(0, bytes.size() - 4)));
  bytes.replace(bytes.size() - 4, 4, crc);
}

TEST(SnapshotTest, RestoredStateIsTheStateEncoded) {
  for (uint64_t seed : {1, 2, 3}) {
    Market m(seed, 1500);
    const State& s = m.engine.state();
    ASSERT_GT(s.contracts().size(), 50u) << "seed " << seed << ": too few matches";
    ASSERT_GT(s.bids().size(), 5u) << "seed " << seed << ": too few bids";
    const std::string bytes = Snapshot(s);
    absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(bytes, m.taxonomy, Params{});
    ASSERT_TRUE(r.ok()) << r.status();
    const State& back = **r;
    EXPECT_EQ(StateHash(back), StateHash(s)) << "seed " << seed;
    EXPECT_EQ(CheckInvariants(back), std::vector<std::string>{}) << "seed " << seed;
    EXPECT_EQ(back.last_seq(), s.last_seq());
    EXPECT_EQ(back.now(), s.now());
    EXPECT_EQ(back.max_reliability(), s.max_reliability());
    ASSERT_EQ(back.names().size(), s.names().size());
    for (NameId id = 0; id < s.names().size(); ++id)
      EXPECT_EQ(back.names().name(id), s.names().name(id));
    EXPECT_EQ(back.offer_book().size(), s.offer_book().size());
    EXPECT_EQ(back.resting_orders().size(), s.resting_orders().size());
    EXPECT_TRUE(back.order_timers() == s.order_timers());
    EXPECT_TRUE(back.offer_timers() == s.offer_timers());
    EXPECT_TRUE(back.contract_timers() == s.contract_timers());
    size_t released = 0;
    for (const Contract& c : s.contracts()) released += c.live() ? 0 : 1;
    EXPECT_GT(released, 5u) << "seed " << seed << ": too few contracts released";
    EXPECT_TRUE(back.rfq_timers() == s.rfq_timers());
    for (const Member& mem : s.members()) {
      const Member& b = *back.member(mem.id);
      EXPECT_EQ(b.offers, mem.offers);
      EXPECT_EQ(b.orders, mem.orders);
      EXPECT_EQ(b.contracts, mem.contracts);
      EXPECT_EQ(b.bids, mem.bids);
      EXPECT_EQ(back.member_by_inn(mem.inn), &b);
    }
    for (const Cluster& c : s.clusters()) EXPECT_EQ(back.cluster(c.id)->members, c.members);
    for (const CapacityOffer& o : s.offers()) EXPECT_EQ(back.offer(o.id)->contracts, o.contracts);
    for (const Order& o : s.orders()) {
      EXPECT_EQ(back.order(o.id)->contracts, o.contracts);
      EXPECT_EQ(back.order(o.id)->let_go_by, o.let_go_by);
      EXPECT_EQ(back.order(o.id)->bids, o.bids);
    }
    EXPECT_EQ(Snapshot(back), bytes) << "seed " << seed << ": re-encoding differs";
  }
}

TEST(SnapshotTest, RestoredEngineGoesOnLikeTheLiveOne) {
  for (uint64_t seed : {4, 5}) {
    Market m(seed, 1200);
    absl::StatusOr<std::unique_ptr<State>> r =
        DecodeSnapshot(Snapshot(m.engine.state()), m.taxonomy, Params{});
    ASSERT_TRUE(r.ok()) << r.status();
    Engine restored(*std::move(r));
    size_t events = 0;
    for (int i = 0; i < 1500; ++i) {
      Command c = m.source.Next(m.engine.state(), m.now);
      Engine::Outcome live = m.engine.Execute(c, m.now);
      std::vector<std::string> expected;
      for (const Event& e : live.events) expected.push_back(Bytes(e));
      const bool rejected = live.rejection.has_value();
      Engine::Outcome again = restored.Execute(c, m.now);
      ASSERT_EQ(again.rejection.has_value(), rejected) << "seed " << seed << " command " << i;
      std::vector<std::string> got;
      for (const Event& e : again.events) got.push_back(Bytes(e));
      ASSERT_EQ(got, expected) << "seed " << seed << " command " << i;
      events += got.size();
    }
    EXPECT_GT(events, 1000u);
    EXPECT_EQ(StateHash(restored.state()), StateHash(m.engine.state()));
    EXPECT_EQ(CheckInvariants(restored.state()), std::vector<std::string>{});
    EXPECT_EQ(Snapshot(restored.state()), Snapshot(m.engine.state()));
  }
}

// The restore orders the offers' timers by a counting sort over their last days when those lie
// close together, and by a comparison sort when they spread far wider than there are offers:
// both must give the order the live state keeps.
TEST(SnapshotTest, OfferTimersComeBackInOrderWhateverTheSpreadOfTheirLastDays) {
  for (int32_t spread : {3, 20'000}) {
    Market m(6, 400);
    std::vector<const CapacityOffer*> open;
    for (const CapacityOffer& o : m.engine.state().offers()) {
      if (o.status == OfferStatus::kOpen) open.push_back(&o);
    }
    ASSERT_GE(open.size(), 3u);
    // Copies of three open offers' terms, ending `spread` days apart, two on the same last day.
    const Day to = open[0]->to;
    for (int k = 0; k < 3; ++k) {
      const CapacityOffer& o = *open[k];
      PostOffer c{{.daily_capacity = o.daily_capacity,
                   .from = to + spread * (k / 2),
                   .to = to + spread * (k / 2) + 5,
                   .unit_price = o.unit_price},
                  o.supplier,
                  std::string(m.engine.state().taxonomy().node(o.process).code)};
      Engine::Outcome out = m.engine.Execute(c, m.now);
      ASSERT_FALSE(out.rejection.has_value()) << out.rejection->message;
    }
    const State& s = m.engine.state();
    absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(Snapshot(s), m.taxonomy, Params{});
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_TRUE((*r)->offer_timers() == s.offer_timers()) << "spread " << spread;
    EXPECT_EQ(StateHash(**r), StateHash(s)) << "spread " << spread;
    EXPECT_EQ(CheckInvariants(**r), std::vector<std::string>{}) << "spread " << spread;
  }
}

TEST(SnapshotTest, EmptyStateRoundTrips) {
  std::shared_ptr<const Taxonomy> taxonomy = MakeTaxonomy();
  State empty(taxonomy, Params{});
  absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(Snapshot(empty), taxonomy, Params{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(StateHash(**r), StateHash(empty));
  EXPECT_EQ((*r)->last_seq(), 0u);
}

TEST(SnapshotTest, EveryFlippedByteAndEveryTruncationIsRefused) {
  Market m(7, 150);
  const std::string bytes = Snapshot(m.engine.state());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ (1 << (i % 8)));
    absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(bad, m.taxonomy, Params{});
    ASSERT_FALSE(r.ok()) << "byte " << i << " of " << bytes.size();
    // The version byte is judged before the checksum.
    EXPECT_EQ(r.status().code(),
              i == 4 ? absl::StatusCode::kInvalidArgument : absl::StatusCode::kDataLoss)
        << "byte " << i;
  }
  for (size_t n = 0; n < bytes.size(); ++n) {
    absl::StatusOr<std::unique_ptr<State>> r =
        DecodeSnapshot(bytes.substr(0, n), m.taxonomy, Params{});
    ASSERT_FALSE(r.ok()) << "truncated to " << n;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << "truncated to " << n;
  }
}

TEST(SnapshotTest, DamageBehindAValidChecksumIsRefusedOrHarmless) {
  Market m(8, 300);
  const std::string bytes = Snapshot(m.engine.state());
  std::mt19937_64 rng(8);
  int refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string bad = bytes;
    size_t at = std::uniform_int_distribution<size_t>(9, bytes.size() - 5)(rng);
    bad[at] = static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    FixChecksum(bad);
    absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(bad, m.taxonomy, Params{});
    if (!r.ok()) {
      ++refused;
      EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr("snapshot "));
    }
  }
  EXPECT_GT(refused, 100);
}

TEST(SnapshotTest, ADanglingReferenceIsRefusedByName) {
  std::shared_ptr<const Taxonomy> taxonomy = MakeTaxonomy();
  Engine engine(taxonomy, Params{});
  Instant now = StartOf(*ParseDay("2026-03-02"));
  RegisterMember member;
  member.name = "A";
  member.inn = CompanyInn("480000001");
  member.region = "RU-LIP";
  member.location = {52.6, 39.6};
  member.roles = kRoleSupplier;
  member.processes = {"machining"};
  ASSERT_FALSE(engine.Execute(member, now).rejection);
  PostOffer offer;
  offer.by = MemberId{0};
  offer.process = "machining";
  offer.daily_capacity = 5;
  offer.from = DayOf(now);
  offer.to = DayOf(now) + 3;
  offer.unit_price = 5000;
  ASSERT_FALSE(engine.Execute(offer, now).rejection);
  std::string bytes = Snapshot(engine.state());
  // The offers section: its count (1), the offer's created_at (a step from 0), supplier 0 and
  // the process.
  std::string offer_start = "\x01";
  Writer w(offer_start);
  w.PutZigzag(now.unix_ms);
  w.PutVarint(0);
  w.PutVarint(taxonomy->Find("machining")->value);
  size_t at = bytes.find(offer_start);
  ASSERT_NE(at, std::string::npos);
  ASSERT_EQ(bytes.find(offer_start, at + 1), std::string::npos);
  bytes[at + offer_start.size() - 2] = 5;  // Member 5 does not exist.
  FixChecksum(bytes);
  absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(bytes, taxonomy, Params{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("offers record 0: field 'supplier' refers to 5"));
}

TEST(SnapshotTest, AnotherVersionOrTaxonomyIsRefusedByName) {
  Market m(9, 100);
  std::string bytes = Snapshot(m.engine.state());
  absl::StatusOr<std::unique_ptr<State>> r =
      DecodeSnapshot(bytes, MakeTaxonomy(/*with_welding=*/true), Params{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("taxonomy"));

  bytes[4] = static_cast<char>(kSnapshotFormatVersion + 1);
  r = DecodeSnapshot(bytes, m.taxonomy, Params{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr(absl::StrCat("version ", kSnapshotFormatVersion)));
  EXPECT_THAT(r.status().message(), HasSubstr("version 3"));
  EXPECT_THAT(r.status().message(),
              HasSubstr(absl::StrCat("version ", kSnapshotFormatVersion + 1)));

  r = DecodeSnapshot("SXSX" + bytes.substr(4), m.taxonomy, Params{});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("not a snapshot"));
}

TEST(SnapshotTest, TheSecretKeyingPublicIdsIsKept) {
  std::shared_ptr<const Taxonomy> taxonomy = MakeTaxonomy();
  Engine engine(taxonomy, Params{});
  const std::string secret(kPublicIdSecretBytes, '\x07');
  Instant now = StartOf(*ParseDay("2026-03-02"));
  ASSERT_FALSE(engine.Execute(KeyPublicIds{kOperator, secret}, now).rejection);
  CommandSource source(4);
  for (int i = 0; i < 300; ++i) engine.Execute(source.Next(engine.state(), now), now);
  absl::StatusOr<std::unique_ptr<State>> r =
      DecodeSnapshot(Snapshot(engine.state()), taxonomy, Params{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->public_id_secret(), secret);
  EXPECT_EQ(StateHash(**r), StateHash(engine.state()));
}

// A version 3 snapshot is a version 4 one without the secret at its end: written by older
// builds, it restores as a state without a secret (its ids keep the fixed scramble).
TEST(SnapshotTest, AVersion3SnapshotRestoresWithoutASecret) {
  Market m(5, 300);
  ASSERT_TRUE(m.engine.state().public_id_secret().empty());
  std::string bytes = Snapshot(m.engine.state());
  ASSERT_EQ(bytes[bytes.size() - 5], '\0');  // The empty secret's length, before the checksum.
  bytes.erase(bytes.size() - 5, 1);
  bytes[4] = 3;
  FixChecksum(bytes);
  absl::StatusOr<std::unique_ptr<State>> r = DecodeSnapshot(bytes, m.taxonomy, Params{});
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE((*r)->public_id_secret().empty());
  EXPECT_EQ(StateHash(**r), StateHash(m.engine.state()));
  bytes[4] = 2;
  FixChecksum(bytes);
  EXPECT_EQ(DecodeSnapshot(bytes, m.taxonomy, Params{}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace subex
