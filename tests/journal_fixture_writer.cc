// journal_fixture_writer — writes the journal fixture (tests/journal_fixture.h): a small market
// that goes through every event type, journalled command by command, with a snapshot half way.
//
//   journal_fixture_writer DIR    (DIR must not exist; prints the counts and the state hash)
//
// Kept to show how the fixture came about, not to rewrite it: see journal_fixture.h.

#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "engine/civil_time.h"
#include "engine/engine.h"
#include "engine/inn.h"
#include "engine/state_hash.h"
#include "storage/journal.h"
#include "storage/snapshot.h"
#include "tests/journal_fixture.h"

namespace subex {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

std::string Hash(char c) { return std::string(64, c); }

class Writer {
 public:
  explicit Writer(std::unique_ptr<Journal> journal)
      : journal_(std::move(journal)),
        engine_(fixture::JournalTaxonomy(), fixture::JournalParams()),
        now_{StartOf(*ParseDay("2026-11-23")).unix_ms + 9 * kHour} {}

  // Runs the command now and journals its events; a rejection stops the writer.
  void Run(const Command& c) {
    Engine::Outcome out = engine_.Execute(c, now_);
    if (out.rejection) {
      std::fprintf(stderr, "command %zu rejected: %s\n", c.index(),
                   out.rejection->message.c_str());
      std::exit(1);
    }
    for (const Event& e : out.events) ++types_[EventType(e.body)];
    if (absl::Status s = journal_->Append(out.events, {}); !s.ok()) {
      std::fprintf(stderr, "append: %s\n", s.ToString().c_str());
      std::exit(1);
    }
    now_.unix_ms += 7 * 60'000;
  }
  void Advance(int64_t ms) { now_.unix_ms += ms; }
  void Snapshot() {
    std::string bytes;
    EncodeSnapshot(engine_.state(), bytes);
    if (absl::Status s = journal_->WriteSnapshot(engine_.state().last_seq(), bytes); !s.ok()) {
      std::fprintf(stderr, "snapshot: %s\n", s.ToString().c_str());
      std::exit(1);
    }
    std::printf("snapshot at seq %llu\n",
                static_cast<unsigned long long>(engine_.state().last_seq()));
  }
  const State& state() const { return engine_.state(); }
  Instant now() const { return now_; }
  const std::map<std::string, int>& types() const { return types_; }

 private:
  std::unique_ptr<Journal> journal_;
  Engine engine_;
  Instant now_;
  std::map<std::string, int> types_;
};

RegisterMember Plant(int i, std::string name, uint8_t roles, GeoPoint where,
                     std::vector<std::string> certifications, char key) {
  RegisterMember r;
  r.name = std::move(name);
  r.inn = CompanyInn(std::to_string(482'000'100 + i));
  r.region = where.lat > 54 ? "RU-MOW" : "RU-LIP";
  r.location = where;
  r.roles = roles;
  if (roles != kRolePlatform) r.processes = {"machining", "casting"};
  r.certifications = std::move(certifications);
  if (key != 0) r.key_hash = Hash(key);
  return r;
}

PostOffer Offer(uint32_t supplier, int i, Day from) {
  static const char* const kProcesses[] = {"machining.milling.cnc_5axis", "machining.turning",
                                           "machining.milling", "casting.steel"};
  PostOffer o;
  o.by = MemberId{supplier};
  o.process = kProcesses[i % 4];
  o.daily_capacity = 4 + i % 5;
  o.from = from + i % 3;
  o.to = o.from + 10 + i % 7;
  o.unit_price = 250'000 + 7'500 * (i % 9);
  o.min_lot = 1 + i % 3;
  if (i % 2 == 0) o.tags = {"steel"};
  if (i % 3 == 0) o.tags.push_back("stainless");
  if (i % 4 == 1) o.limits = {{"max_length_mm", 900.0 + 50 * i}, {"max_mass_kg", 40.0}};
  o.auto_accept = i % 5 != 4;
  return o;
}

PlaceOrder Order(uint32_t customer, int i, Day start) {
  static const char* const kProcesses[] = {"machining", "machining.milling", "machining.turning",
                                           "casting"};
  PlaceOrder o;
  o.by = MemberId{customer};
  o.title = "Order " + std::to_string(i);
  o.process = kProcesses[i % 4];
  o.quantity = 10 + 7 * (i % 6);
  o.start = start + i % 4;
  o.due = o.start + 12 + i % 5;
  o.max_unit_price = 280'000 + 10'000 * (i % 5);
  if (i % 3 == 0) o.tags = {"steel"};
  if (i % 5 == 1) o.needs = {{"max_length_mm", 800.0}};
  if (i % 7 == 2) o.certifications = {"ISO9001"};
  if (i % 4 == 3) o.max_distance_km = 400.0 + i;
  if (i % 6 == 5) o.min_lot = 4;
  return o;
}

int Main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: journal_fixture_writer DIR\n");
    return 2;
  }
  if (std::filesystem::exists(argv[1])) {
    std::fprintf(stderr, "%s exists\n", argv[1]);
    return 2;
  }
  absl::StatusOr<std::unique_ptr<Journal>> journal = Journal::Open({.dir = argv[1]});
  if (!journal.ok()) {
    std::fprintf(stderr, "open: %s\n", journal.status().ToString().c_str());
    return 1;
  }
  Writer w(*std::move(journal));
  const Day today = DayOf(w.now());
  const Day dec1 = *ParseDay("2026-12-01");
  const GeoPoint lipetsk{52.6031, 39.5708}, voronezh{51.6608, 39.2003},
      moscow{55.7558, 37.6173}, kazan{55.7963, 49.1088}, yelets{52.62, 38.50};

  w.Run(KeyPublicIds{kOperator, std::string(kPublicIdSecretBytes, 'k')});
  // Members 0-1 customers, 2-7 suppliers, 8 a platform, 9 both.
  w.Run(Plant(0, "Lipetsk Valve Works", kRoleCustomer, lipetsk, {"ISO9001"}, 'a'));
  w.Run(Plant(1, "Voronezh Pump Plant", kRoleCustomer, voronezh, {}, 0));
  w.Run(Plant(2, "Yelets Gear Works", kRoleSupplier, yelets, {"ISO9001"}, 'b'));
  w.Run(Plant(3, "Lipetsk Machining", kRoleSupplier, lipetsk, {"ISO9001", "AS9100"}, 0));
  w.Run(Plant(4, "Voronezh Castings", kRoleSupplier, voronezh, {}, 0));
  w.Run(Plant(5, "Moscow Precision", kRoleSupplier, moscow, {"ISO9001"}, 0));
  w.Run(Plant(6, "Kazan Turning", kRoleSupplier, kazan, {}, 0));
  w.Run(Plant(7, "Gryazi Foundry", kRoleSupplier, GeoPoint{52.49, 39.93}, {}, 0));
  w.Run(Plant(8, "Market Portal", kRolePlatform, moscow, {}, 0));
  w.Run(Plant(9, "Dankov Plant", kRoleCustomer | kRoleSupplier, GeoPoint{53.25, 39.15},
              {"ISO9001"}, 0));

  w.Run(CreateCluster{.name = "Lipetsk cluster", .region = "RU-LIP",
                      .kind = ClusterKind::kRegional});
  w.Run(CreateCluster{.name = "Pump makers", .region = "RU-VOR", .kind = ClusterKind::kVirtual});
  for (uint32_t m : {0u, 2u, 3u, 7u, 9u}) w.Run(JoinCluster{kOperator, ClusterId{0}, MemberId{m}});
  w.Run(JoinCluster{kOperator, ClusterId{1}, MemberId{1}});
  w.Run(JoinCluster{kOperator, ClusterId{1}, MemberId{4}});
  w.Run(LeaveCluster{kOperator, ClusterId{0}, MemberId{7}});

  UpdateMember update;
  update.member = MemberId{2};
  update.name = "Yelets Gear & Shaft Works";
  update.location = GeoPoint{52.63, 38.49};
  update.certifications = std::vector<std::string>{"ISO9001", "ISO14001"};
  w.Run(update);
  w.Run(BlockMember{MemberId{1}, MemberId{7}});
  w.Run(BlockMember{MemberId{0}, MemberId{6}});
  w.Run(UnblockMember{MemberId{0}, MemberId{6}});
  w.Run(SuspendMember{kOperator, MemberId{6}, today + 1});
  w.Run(SuspendMember{kOperator, MemberId{6}, std::nullopt});

  w.Run(IssueKey{kOperator, KeyKind::kMember, MemberId{1}, "erp", Hash('c')});
  w.Run(IssueKey{kOperator, KeyKind::kPlatform, MemberId{8}, "portal", Hash('d')});
  w.Run(IssueKey{kOperator, KeyKind::kAnalyst, MemberId{}, "analyst", Hash('e')});
  w.Run(RevokeKey{kOperator, KeyId{4}});
  w.Run(AuthorizePlatform{MemberId{0}, MemberId{8}});
  w.Run(AuthorizePlatform{MemberId{1}, MemberId{8}});
  w.Run(RevokePlatform{MemberId{1}, MemberId{8}});

  // Capacity, then demand that meets it.
  const uint32_t suppliers[] = {2, 3, 4, 5, 6, 7, 9};
  for (int i = 0; i < 56; ++i) w.Run(Offer(suppliers[i % 7], i, dec1));
  for (int i = 0; i < 36; ++i) w.Run(Order(i % 3 == 2 ? 9 : i % 2, i, dec1));

  PlaceOrder preferring = Order(0, 40, dec1);
  preferring.prefer_clusters = {ClusterId{0}};
  preferring.cluster_bonus = 20'000;
  w.Run(preferring);
  PlaceOrder cluster_only = Order(1, 41, dec1);
  cluster_only.visibility = Visibility::kClusters;
  cluster_only.visible_to_clusters = {ClusterId{1}};
  w.Run(cluster_only);
  PlaceOrder invited = Order(0, 42, dec1);
  invited.visibility = Visibility::kInvited;
  invited.invited = {MemberId{3}, MemberId{5}};
  invited.location = GeoPoint{52.0, 39.0};
  w.Run(invited);
  // Demand nobody serves yet: it rests, then expires or is cancelled.
  PlaceOrder resting = Order(1, 43, dec1);
  resting.max_unit_price = 100'000;
  resting.expires_at = Instant{w.now().unix_ms + 2 * kDay};
  w.Run(resting);
  PlaceOrder cancelled = Order(0, 44, dec1);
  cancelled.max_unit_price = 100'000;
  w.Run(cancelled);
  w.Run(CancelOrder{MemberId{0}, OrderId{static_cast<uint32_t>(w.state().orders().size() - 1)},
                    std::nullopt});
  // Capacity that expires unused, and capacity withdrawn.
  PostOffer soon = Offer(5, 50, today);
  soon.from = today;
  soon.to = today + 1;
  soon.unit_price = 900'000;
  w.Run(soon);
  PostOffer withdrawn = Offer(4, 51, dec1);
  withdrawn.unit_price = 900'000;
  w.Run(withdrawn);
  w.Run(WithdrawOffer{MemberId{4}, OfferId{static_cast<uint32_t>(w.state().offers().size() - 1)},
                      std::nullopt});

  w.Snapshot();

  // Each contract through one of its lives.
  int pending = 0, active = 0;
  for (const Contract& c : w.state().contracts()) {
    const ContractId id = c.id;
    const MemberId customer = c.customer, supplier = c.supplier;
    if (c.state == ContractState::kPendingConfirmation) {
      switch (pending++ % 3) {
        case 0:
          w.Run(ConfirmContract{supplier, id, std::nullopt});
          break;
        case 1:
          w.Run(DeclineContract{supplier, id, std::nullopt, "machine down"});
          break;
        default:
          break;  // Lapses.
      }
      continue;
    }
    switch (active++ % 5) {
      case 0:
        w.Run(DeliverContract{supplier, id, std::nullopt});
        w.Run(AcceptContract{customer, id, std::nullopt});
        break;
      case 1:
        w.Run(DeliverContract{supplier, id, std::nullopt});
        w.Run(DisputeContract{customer, id, std::nullopt, "out of tolerance"});
        break;
      case 2:
        w.Run(CancelContract{customer, id, std::nullopt, "no longer needed"});
        break;
      case 3:
        w.Run(CancelContract{supplier, id, std::nullopt, "tool broke"});
        break;
      default:
        break;  // Stays active.
    }
  }

  // rfq: an automatic award, a manual award with a failure, and one nobody bids on.
  PlaceOrder rfq = Order(0, 60, dec1);
  rfq.mode = OrderMode::kRfq;
  rfq.max_unit_price = 0;
  rfq.bids_close_at = Instant{w.now().unix_ms + kDay};
  w.Run(rfq);
  const OrderId auto_rfq{static_cast<uint32_t>(w.state().orders().size() - 1)};
  PlaceOrder manual = rfq;
  manual.by = MemberId{1};
  manual.title = "Manual award";
  manual.award = AwardMode::kManual;
  w.Run(manual);
  const OrderId manual_rfq{static_cast<uint32_t>(w.state().orders().size() - 1)};
  PlaceOrder unbid = rfq;
  unbid.title = "Nobody bids";
  w.Run(unbid);

  const Quantity q = w.state().order(auto_rfq)->quantity;
  w.Run(PlaceBid{{.unit_price = 260'000, .quantity = q, .lead_days = 5}, MemberId{2}, auto_rfq});
  w.Run(PlaceBid{{.unit_price = 250'000, .quantity = q, .lead_days = 6}, MemberId{3}, auto_rfq});
  w.Run(PlaceBid{{.unit_price = 240'000, .quantity = q, .lead_days = 4}, MemberId{5}, auto_rfq});
  w.Run(WithdrawBid{MemberId{5}, BidId{2}, std::nullopt, auto_rfq});
  PostOffer for_bid = Offer(3, 70, dec1);
  for_bid.process = "machining";
  for_bid.unit_price = 990'000;
  w.Run(for_bid);
  const OfferId bid_offer{static_cast<uint32_t>(w.state().offers().size() - 1)};
  const Quantity mq = w.state().order(manual_rfq)->quantity;
  w.Run(PlaceBid{
      {.unit_price = 270'000, .quantity = mq, .lead_days = 5}, MemberId{3}, manual_rfq, bid_offer});
  w.Run(PlaceBid{{.unit_price = 275'000, .quantity = mq, .lead_days = 7}, MemberId{9}, manual_rfq});
  w.Run(WithdrawOffer{MemberId{3}, bid_offer, std::nullopt});

  // The close; the lapse of unconfirmed contracts; expiries.
  w.Advance(kDay + kHour);
  w.Run(Tick{});
  w.Run(AwardBids{MemberId{1}, manual_rfq, {BidId{3}, BidId{4}}, std::nullopt});
  w.Advance(2 * kDay);
  w.Run(Tick{});

  std::map<std::string, int> types = w.types();
  size_t events = 0;
  for (const auto& [type, count] : types) {
    std::printf("%-24s %d\n", type.c_str(), count);
    events += static_cast<size_t>(count);
  }
  const State& s = w.state();
  std::printf("%zu events of %zu types; %zu members, %zu offers, %zu orders, %zu contracts, "
              "%zu bids; state hash %016llx\n",
              events, types.size(), s.members().size(), s.offers().size(), s.orders().size(),
              s.contracts().size(), s.bids().size(),
              static_cast<unsigned long long>(StateHash(s)));
  if (types.size() != std::variant_size_v<EventBody>) {
    std::fprintf(stderr, "not every event type occurs (%zu of %zu)\n", types.size(),
                 std::variant_size_v<EventBody>);
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace subex

int main(int argc, char** argv) { return subex::Main(argc, argv); }
