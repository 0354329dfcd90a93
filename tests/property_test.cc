// Property test — random command streams against the engine's promises.
//
// For each seed, a small market (ten process nodes in three branches, twenty members near Lipetsk
// and a few far away, three clusters) receives two thousand random commands: offers, orders,
// withdrawals and cancellations (some by strangers), blocks, suspensions, cluster moves, members
// moving house, rfq orders with bids, withdrawals and manual awards, time passing (closing
// bidding), and deliberately invalid requests. After every command:
//
//   - CheckInvariants finds nothing, and the test's own recount agrees: no offer-day beyond its
//     capacity, every order's allocation equal to its contracts and within its quantity, every
//     contract at least the offer's minimum lot, event sequence numbers gap-free;
//   - a deliberately invalid command is rejected, and a rejection changes nothing (same
//     StateHash; checked on every invalid command and on every eighth command);
//   - the contracts of a placed order (or a posted offer) are exactly those a brute-force fill
//     over every open offer (every resting order) of the state before the command would make.
//
// At the end, the recorded events replayed into a fresh engine, and the same commands executed
// again, both give the same StateHash. A failure names the seed and the command index.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/civil_time.h"
#include "engine/eligibility.h"
#include "engine/engine.h"
#include "engine/inn.h"
#include "engine/invariants.h"
#include "engine/state_hash.h"
#include "engine/taxonomy.h"
#include "gtest/gtest.h"

namespace subex {
namespace {

constexpr int kShards = 8;  // One test per shard; fewer processes under ctest.
constexpr int kSeedsPerShard = 5;
constexpr int kCommandsPerSeed = 2000;
constexpr int kMembers = 20;
constexpr int kClusters = 3;
constexpr int64_t kMsPerHour = 3'600'000;

const char* const kProcesses[] = {
    "machining",         "machining.milling", "machining.milling.cnc_5axis",
    "machining.turning", "casting",           "casting.sand",
    "casting.die",       "welding",           "welding.tig",
    "welding.mig"};
const char* const kTags[] = {"aluminium", "steel", "titanium"};
const char* const kCerts[] = {"iso9001", "iatf16949", "gost_rv"};

std::shared_ptr<const Taxonomy> MakeTaxonomy() {
  absl::StatusOr<Taxonomy> t = Taxonomy::Create({
      {"machining", "Machining", "machine_hour", 0.12},
      {"machining.milling", "Milling", "", -1},
      {"machining.milling.cnc_5axis", "5-axis CNC milling", "", -1},
      {"machining.turning", "Turning", "", -1},
      {"casting", "Casting", "kg", 0.03},
      {"casting.sand", "Sand casting", "", -1},
      {"casting.die", "Die casting", "", -1},
      {"welding", "Welding", "piece", 0.25},
      {"welding.tig", "TIG welding", "", -1},
      {"welding.mig", "MIG welding", "", -1},
  });
  EXPECT_TRUE(t.ok()) << t.status();
  return std::make_shared<const Taxonomy>(*std::move(t));
}

// A 10-digit INN with a valid check digit.
std::string MakeInn(int i) {
  std::string d = absl::StrCat(4800000 + i * 7919);
  d = std::string(9 - d.size(), '1') + d;
  return CompanyInn(d);
}

// An offer's free days, as the oracle sees and consumes them.
struct FreeDays {
  Day from;
  std::vector<int32_t> free;

  int64_t In(Window w) const {
    int64_t sum = 0;
    for (Day d = std::max(w.from, from); d <= w.to && d - from < Size(); d = d + 1) {
      sum += free[static_cast<size_t>(d - from)];
    }
    return sum;
  }
  // Takes `q` from the latest days of `w`; returns the days in ascending order.
  std::vector<DayQuantity> TakeLatest(Window w, Quantity q) {
    std::vector<DayQuantity> days;
    for (Day d = std::min(w.to, from + (Size() - 1)); d >= w.from && d >= from && q > 0;
         d = d - 1) {
      int32_t& cell = free[static_cast<size_t>(d - from)];
      int32_t take = static_cast<int32_t>(std::min<int64_t>(cell, q));
      if (take == 0) continue;
      cell -= take;
      q -= take;
      days.insert(days.begin(), DayQuantity{d, take});
    }
    return days;
  }
  int32_t Size() const { return static_cast<int32_t>(free.size()); }
};

// One contract, as the engine made it or the oracle expects it.
struct Allocation {
  uint32_t order = 0;
  uint32_t offer = 0;
  Quantity quantity = 0;
  std::vector<DayQuantity> days;
  friend bool operator==(const Allocation&, const Allocation&) = default;
};

void PrintTo(const Allocation& a, std::ostream* os) {
  *os << "{order " << a.order << ", offer " << a.offer << ", qty " << a.quantity << ", days";
  for (const DayQuantity& d : a.days) *os << " " << FormatDay(d.day) << "x" << d.quantity;
  *os << "}";
}

std::vector<Allocation> ContractsIn(std::span<const Event> events) {
  std::vector<Allocation> out;
  for (const Event& e : events) {
    if (const auto* c = std::get_if<ContractCreated>(&e.body)) {
      out.push_back({c->order.value, c->offer.value, c->quantity, c->days});
    }
  }
  return out;
}

// The greedy rule of PRODUCT §3: what an offer with `free` units contributes when `remaining`
// is still needed.
Quantity Take(Quantity order_min_lot, Quantity offer_min_lot, int64_t free, Quantity remaining) {
  if (free < std::min(order_min_lot, remaining)) return 0;
  Quantity take = std::min<int64_t>(free, remaining);
  return take < offer_min_lot ? 0 : take;
}

// What placing `order` should have made, given the open offers' free days before the command:
// every eligible offer ranked by (score, id), then the greedy fill.
std::vector<Allocation> ExpectOrderFill(const State& s, const Order& order,
                                        std::vector<std::pair<OfferId, FreeDays>> open,
                                        Instant now) {
  struct Ranked {
    double total;
    uint32_t index;
    Window window;
  };
  std::vector<Ranked> ranked;
  for (uint32_t i = 0; i < open.size(); ++i) {
    const CapacityOffer& offer = *s.offer(open[i].first);
    const Member& supplier = *s.member(offer.supplier);
    // A supplier that let an order go is never matched with it again.
    if (order.LetGoBy(offer.supplier)) continue;
    Fit fit = CheckEligibility(s, order, offer, supplier, now);
    if (!fit.ok() || open[i].second.In(fit.window) == 0) continue;
    Score score = ScoreOf(s, order, offer, supplier, fit.distance_km, DayOf(now));
    ranked.push_back({score.total, i, fit.window});
  }
  std::sort(ranked.begin(), ranked.end(), [&](const Ranked& a, const Ranked& b) {
    return a.total != b.total ? a.total < b.total : open[a.index].first < open[b.index].first;
  });
  // At each step the best-ranked unused offer that can contribute to what is still needed.
  std::vector<Allocation> out;
  std::vector<bool> used(ranked.size(), false);
  Quantity remaining = order.quantity;
  bool progress = true;
  while (remaining > 0 && progress) {
    progress = false;
    for (size_t k = 0; k < ranked.size(); ++k) {
      if (used[k]) continue;
      const Ranked& r = ranked[k];
      auto& [id, free] = open[r.index];
      Quantity take = Take(order.min_lot, s.offer(id)->min_lot, free.In(r.window), remaining);
      if (take == 0) continue;
      used[k] = true;
      out.push_back({order.id.value, id.value, take, free.TakeLatest(r.window, take)});
      remaining -= take;
      progress = true;
      break;
    }
  }
  return out;
}

// What posting `offer` should have made, given the resting orders (and what each still needed)
// before the command: best max_unit_price first, then the oldest.
std::vector<Allocation> ExpectOfferFill(const State& s, const CapacityOffer& offer,
                                        std::vector<std::pair<OrderId, Quantity>> resting,
                                        Instant now) {
  std::sort(resting.begin(), resting.end(), [&](const auto& a, const auto& b) {
    Kopecks pa = s.order(a.first)->max_unit_price, pb = s.order(b.first)->max_unit_price;
    return pa != pb ? pa > pb : a.first < b.first;
  });
  FreeDays free{offer.from, std::vector<int32_t>(static_cast<size_t>(offer.to - offer.from + 1),
                                                 offer.daily_capacity)};
  const Member& supplier = *s.member(offer.supplier);
  std::vector<Allocation> out;
  for (const auto& [id, remaining] : resting) {
    const Order& order = *s.order(id);
    if (order.max_unit_price < offer.unit_price || order.LetGoBy(offer.supplier)) continue;
    Fit fit = CheckEligibility(s, order, offer, supplier, now);
    if (!fit.ok()) continue;
    Quantity take = Take(order.min_lot, offer.min_lot, free.In(fit.window), remaining);
    if (take == 0) continue;
    out.push_back({id.value, offer.id.value, take, free.TakeLatest(fit.window, take)});
  }
  return out;
}

// The test's own recount of the books, from the contracts alone; "" when all is well.
std::string Recount(const State& s) {
  // used[first[o] + k]: what the contracts reserve on day k of offer o.
  std::vector<size_t> first(s.offers().size() + 1, 0);
  for (const CapacityOffer& o : s.offers()) {
    first[o.id.value + 1] = first[o.id.value] + static_cast<size_t>(o.to - o.from + 1);
  }
  std::vector<int64_t> used(first.back(), 0);
  std::vector<Quantity> allocated(s.orders().size(), 0);
  std::vector<Quantity> withdrawn(s.orders().size(), 0);
  for (const Contract& c : s.contracts()) {
    if (c.state == ContractState::kCancelled && c.cancelled_by == c.customer) {
      withdrawn[c.order.value] += c.quantity;
    }
    // A declined, lapsed or cancelled contract gave its days and its quantity back.
    const bool live = c.state != ContractState::kDeclined && c.state != ContractState::kLapsed &&
                      c.state != ContractState::kCancelled;
    if (!c.offer.valid()) {  // An award of a bid that named no offer reserves no days.
      if (!c.days.empty()) return absl::StrCat("contract ", c.id.value, " has days, no offer");
      if (live) allocated[c.order.value] += c.quantity;
      continue;
    }
    const CapacityOffer& offer = *s.offer(c.offer);
    int64_t* days = &used[first[c.offer.value]];
    Quantity sum = 0;
    for (const DayQuantity& d : c.days) {
      if (d.day < offer.from || d.day > offer.to || d.quantity <= 0) {
        return absl::StrCat("contract ", c.id.value, " reserves a bad day");
      }
      if (live) days[static_cast<size_t>(d.day - offer.from)] += d.quantity;
      sum += d.quantity;
    }
    if (sum != c.quantity) return absl::StrCat("contract ", c.id.value, " days != quantity");
    if (c.quantity < offer.min_lot) {
      return absl::StrCat("contract ", c.id.value, " is below offer ", c.offer.value, " min_lot");
    }
    if (live) allocated[c.order.value] += c.quantity;
  }
  for (const CapacityOffer& o : s.offers()) {
    std::span<const int32_t> free = o.calendar.free_days();
    for (size_t k = 0; k < first[o.id.value + 1] - first[o.id.value]; ++k) {
      int64_t u = used[first[o.id.value] + k];
      if (u > o.daily_capacity) {
        return absl::StrCat("offer ", o.id.value, " day ", k, " is over capacity: ", u);
      }
      if (u + (k < free.size() ? free[k] : 0) != o.daily_capacity) {
        return absl::StrCat("offer ", o.id.value, " day ", k, " calendar disagrees");
      }
    }
  }
  for (const Order& o : s.orders()) {
    if (o.allocated != allocated[o.id.value] || o.withdrawn != withdrawn[o.id.value] ||
        o.allocated + o.withdrawn > o.quantity) {
      return absl::StrCat("order ", o.id.value, " allocated ", o.allocated, " withdrawn ",
                          o.withdrawn, " but contracts hold ", allocated[o.id.value], " and ",
                          withdrawn[o.id.value], " of ", o.quantity);
    }
  }
  return "";
}

// A release's rematch never gives the order back to the supplier that let it go, in the same
// command.
std::string RematchedToWhoLetGo(const State& s, std::span<const Event> events) {
  std::vector<std::pair<OrderId, MemberId>> released;
  for (const Event& e : events) {
    auto release = [&](ContractId id, MemberId supplier) {
      released.push_back({s.contract(id)->order, supplier});
    };
    if (const auto* d = std::get_if<ContractDeclined>(&e.body)) release(d->contract, d->supplier);
    if (const auto* l = std::get_if<ContractLapsed>(&e.body)) release(l->contract, l->supplier);
    if (const auto* c = std::get_if<ContractCancelled>(&e.body)) {
      release(c->contract, c->supplier);
    }
    if (const auto* c = std::get_if<ContractCreated>(&e.body)) {
      for (auto [order, supplier] : released) {
        if (c->order == order && c->supplier == supplier) {
          return absl::StrCat("contract ", c->contract.value, " went back to supplier ",
                              supplier.value, " of order ", order.value);
        }
      }
    }
  }
  return "";
}

std::string Describe(const Command& command) {
  static const char* const kNames[] = {
      "RegisterMember", "UpdateMember",    "CreateCluster",   "JoinCluster",
      "LeaveCluster",   "BlockMember",     "UnblockMember",   "SuspendMember",
      "PostOffer",      "WithdrawOffer",   "PlaceOrder",      "CancelOrder",
      "Tick",           "PlaceBid",        "WithdrawBid",     "AwardBids",
      "IssueKey",       "RevokeKey",       "AuthorizePlatform", "RevokePlatform",
      "ConfirmContract", "DeclineContract", "DeliverContract", "AcceptContract",
      "DisputeContract", "CancelContract", "KeyPublicIds"};
  static_assert(std::size(kNames) == std::variant_size_v<Command>);
  std::string out = kNames[command.index()];
  std::visit(
      [&out](const auto& c) {
        if constexpr (requires { c.by; }) absl::StrAppend(&out, " by ", c.by.value);
      },
      command);
  return out;
}

PostOffer MakeOffer(MemberId by, std::string process, int32_t daily_capacity, Day from, Day to,
                    Kopecks unit_price) {
  PostOffer c;
  c.by = by;
  c.process = std::move(process);
  c.daily_capacity = daily_capacity;
  c.from = from;
  c.to = to;
  c.unit_price = unit_price;
  return c;
}

PlaceOrder MakeOrder(MemberId by, std::string process, Quantity quantity, Day start, Day due,
                     Kopecks max_unit_price) {
  PlaceOrder c;
  c.by = by;
  c.title = "Parts";
  c.process = std::move(process);
  c.quantity = quantity;
  c.start = start;
  c.due = due;
  c.max_unit_price = max_unit_price;
  return c;
}

struct Planned {
  Command command;
  Instant now;
  bool must_reject = false;
};

// Draws commands from one seed. Reads the live state only to pick plausible ids and owners.
class CommandSource {
 public:
  explicit CommandSource(uint64_t seed) : rng_(seed) {}

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  double Real(double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(rng_); }
  MemberId AnyMember() { return MemberId{static_cast<uint32_t>(Int(0, kMembers - 1))}; }
  ClusterId AnyCluster() { return ClusterId{static_cast<uint32_t>(Int(0, kClusters - 1))}; }

  GeoPoint Location() {
    static constexpr GeoPoint kFar[] = {{55.03, 82.92}, {56.84, 60.60}, {55.79, 49.12}};
    if (Chance(0.15)) return kFar[Int(0, 2)];
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
  std::vector<std::string> Processes() {
    std::vector<std::string> out;
    for (int i = 0, n = Int(1, 3); i < n; ++i) {
      std::string p = kProcesses[Int(0, 9)];
      if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
    }
    return out;
  }

  std::vector<Planned> Setup(Instant now) {
    std::vector<Planned> out;
    for (int i = 0; i < kClusters; ++i) {
      out.push_back({CreateCluster{.name = absl::StrCat("Cluster ", i), .region = "RU-LIP"}, now});
    }
    for (int i = 0; i < kMembers; ++i) {
      static constexpr uint8_t kRoles[] = {kRoleCustomer | kRoleSupplier,
                                           kRoleCustomer | kRoleSupplier, kRoleSupplier,
                                           kRoleCustomer};
      uint8_t roles = kRoles[Int(0, 3)];
      out.push_back({RegisterMember{{.name = absl::StrCat("Member ", i),
                                     .region = "RU-LIP",
                                     .location = Location(),
                                     .roles = roles},
                                    kOperator,
                                    MakeInn(i),
                                    Processes(),
                                    Subset(kCerts, 0.4)},
                     now});
      if (Chance(0.4)) {
        out.push_back({JoinCluster{.cluster = AnyCluster(), .member = MemberId{uint32_t(i)}}, now});
      }
    }
    return out;
  }

  Planned Next(const State& s, Instant now) {
    if (Chance(0.06)) return {Invalid(DayOf(now)), now, true};
    Command c = Draw(s, DayOf(now));
    // Time passes between commands, and by hours with a tick.
    if (std::holds_alternative<Tick>(c)) now.unix_ms += Int(1, 16) * kMsPerHour;
    return {std::move(c), now};
  }

  Command Draw(const State& s, Day today) {
    int roll = Int(0, 104);
    if (roll < 25) return Offer(s, today);
    if (roll < 50) return Order(s, today);
    if (roll < 64) return Tick{};
    if (roll < 69) return Withdraw(s);
    if (roll < 74) return Cancel(s);
    if (roll < 78) return BlockMember{.by = AnyMember(), .other = AnyMember()};
    if (roll < 81) return UnblockMember{.by = AnyMember(), .other = AnyMember()};
    if (roll < 83) {
      std::optional<Day> until;
      if (Chance(0.6)) until = today + Int(0, 4);
      return SuspendMember{.member = AnyMember(), .until = until};
    }
    if (roll < 86) return JoinCluster{.cluster = AnyCluster(), .member = AnyMember()};
    if (roll < 88) return LeaveCluster{.cluster = AnyCluster(), .member = AnyMember()};
    if (roll < 90) return Update();
    if (roll < 95) return Bidding(s);
    return Step(s);
  }

  // A step on a contract, mostly by the party whose step it is, sometimes by the other party or
  // a stranger, sometimes on a stale revision.
  Command Step(const State& s) {
    ContractId id{static_cast<uint32_t>(Int(0, int(s.contracts().size())))};
    if (!s.contract_timers().empty() && Chance(0.3)) {  // Pending ones are few and short-lived.
      auto it = s.contract_timers().begin();
      for (int k = Int(0, std::min<int>(8, int(s.contract_timers().size())) - 1); k > 0; --k) ++it;
      id = ContractId{it->second};
    }
    const Contract* c = s.contract(id);
    MemberId customer = c ? c->customer : AnyMember(), supplier = c ? c->supplier : AnyMember();
    auto who = [&](MemberId right, MemberId other) {
      return Chance(0.85) ? right : Chance(0.5) ? other : AnyMember();
    };
    std::optional<int64_t> if_match;
    if (c != nullptr && Chance(0.2)) if_match = c->revision - (Chance(0.3) ? 1 : 0);
    std::string reason = Chance(0.95) ? "Reason" : "";
    // Usually the step the contract's state allows, otherwise any.
    int step = Int(0, 5);
    if (c != nullptr && Chance(0.8)) {
      switch (c->state) {
        case ContractState::kPendingConfirmation:
          step = Chance(0.6) ? 0 : Chance(0.7) ? 1 : 5;
          break;
        case ContractState::kActive:
          step = Chance(0.8) ? 2 : 5;
          break;
        case ContractState::kDelivered:
          step = Chance(0.6) ? 3 : 4;
          break;
        default:
          break;
      }
    }
    switch (step) {
      case 0:
        return ConfirmContract{who(supplier, customer), id, if_match};
      case 1:
        return DeclineContract{who(supplier, customer), id, if_match, reason};
      case 2:
        return DeliverContract{who(supplier, customer), id, if_match};
      case 3:
        return AcceptContract{who(customer, supplier), id, if_match};
      case 4:
        return DisputeContract{who(customer, supplier), id, if_match, reason};
      default:
        return CancelContract{Chance(0.5) ? who(customer, supplier) : who(supplier, customer), id,
                              if_match, reason};
    }
  }

  Command Offer(const State& s, Day today) {
    MemberId by = AnyMember();
    std::string process = kProcesses[Int(0, 9)];
    const Member& m = *s.member(by);
    if (!m.processes.empty() && Chance(0.9)) {
      const ProcessNode& node = s.taxonomy().node(m.processes[Int(0, int(m.processes.size()) - 1)]);
      process = s.taxonomy().node(node.subtree[Int(0, int(node.subtree.size()) - 1)]).code;
    }
    Day from = today + Int(-2, 40);
    PostOffer c = MakeOffer(by, process, Int(1, 20), from, from + Int(0, 20), Int(50, 80) * 100);
    if (Chance(0.3)) c.min_lot = Int(1, 30);
    c.tags = Subset(kTags, 0.3);
    if (Chance(0.4)) c.limits.push_back({"max_length_mm", Int(2, 10) * 100});
    c.auto_accept = !Chance(0.3);
    return c;
  }

  Command Order(const State& s, Day today) {
    Day start = today + Int(-2, 35);
    PlaceOrder c = MakeOrder(AnyMember(), kProcesses[Int(0, 9)], Int(1, 120), start,
                             start + Int(0, 25), Int(55, 90) * 100);
    if (Chance(0.3)) c.max_distance_km = Real(50, 1500);
    if (Chance(0.1)) c.location = Location();
    c.certifications = Subset(kCerts, 0.1);
    c.tags = Subset(kTags, 0.1);
    if (Chance(0.15)) c.needs.push_back({"max_length_mm", Int(2, 10) * 100});
    if (Chance(0.3)) c.min_lot = Int(1, int(c.quantity));
    if (Chance(0.15)) {
      c.visibility = Visibility::kClusters;
      c.visible_to_clusters = {AnyCluster()};
    } else if (Chance(0.15)) {
      c.visibility = Visibility::kInvited;
      for (int i = 0, n = Int(1, 5); i < n; ++i) {
        MemberId m = AnyMember();
        if (std::find(c.invited.begin(), c.invited.end(), m) == c.invited.end()) {
          c.invited.push_back(m);
        }
      }
    }
    if (Chance(0.25)) {
      c.prefer_clusters = {AnyCluster()};
      c.cluster_bonus = Int(1, 20) * 100;
    }
    if (Chance(0.2)) {
      c.expires_at =
          Instant{std::min(s.now().unix_ms + Int(1, 72) * kMsPerHour, StartOf(c.due + 1).unix_ms)};
    }
    if (Chance(0.08)) {
      c.mode = OrderMode::kRfq;
      if (Chance(0.3)) c.max_unit_price = 0;
      c.bids_close_at = Instant{StartOf(today).unix_ms + Int(25, 72) * kMsPerHour};
      c.due = std::max(c.due, today + Int(4, 20));
      if (Chance(0.5)) c.award = AwardMode::kManual;
    }
    return c;
  }

  // Bids on the rfq orders still bidding (some by members who may not), withdrawals (some by
  // strangers) and manual awards (some naming bids that cannot be awarded).
  Command Bidding(const State& s) {
    std::vector<const subex::Order*> bidding, awarding;
    for (const subex::Order& o : s.orders()) {
      if (o.status == OrderStatus::kBidding) bidding.push_back(&o);
      if (o.status == OrderStatus::kAwarding) awarding.push_back(&o);
    }
    const int roll = Int(0, 9);
    if (roll < 6 && !bidding.empty()) {
      const subex::Order& o = *bidding[Int(0, int(bidding.size()) - 1)];
      // Mostly a supplier the order is visible to, so that many bids stand; sometimes anyone.
      MemberId by = AnyMember();
      for (int tries = 0; tries < 8 && Chance(0.9); ++tries) {
        const Member& m = *s.member(by);
        if (m.is(kRoleSupplier) && m.id != o.customer && VisibleTo(o, m)) break;
        by = AnyMember();
      }
      PlaceBid c{{.unit_price = Int(40, 92) * 100,
                  .quantity = Int(int(o.min_lot), int(o.quantity)),
                  .lead_days = Chance(0.9) ? Int(0, 6) : Int(0, 30)},
                 by,
                 o.id};
      const Member& m = *s.member(c.by);
      if (!m.offers.empty() && Chance(0.5)) {
        // Mostly the bidder's newest offers, which are the likeliest still open.
        const int n = int(m.offers.size());
        c.offer = m.offers[Chance(0.8) ? Int(std::max(0, n - 3), n - 1) : Int(0, n - 1)];
      }
      return c;
    }
    if (roll < 8 && !s.bids().empty()) {
      const Bid& b = s.bids()[Int(0, int(s.bids().size()) - 1)];
      return WithdrawBid{.by = Chance(0.8) ? b.supplier : AnyMember(), .bid = b.id};
    }
    if (awarding.empty()) return Tick{};
    const subex::Order& o = *awarding[Int(0, int(awarding.size()) - 1)];
    AwardBids c{.by = Chance(0.9) ? o.customer : AnyMember(), .order = o.id};
    for (int i = 0, n = Int(1, 3); i < n && !o.bids.empty(); ++i) {
      BidId b = o.bids[Int(0, int(o.bids.size()) - 1)];
      if (std::find(c.bids.begin(), c.bids.end(), b) == c.bids.end()) c.bids.push_back(b);
    }
    return c;
  }

  Command Withdraw(const State& s) {
    OfferId id{static_cast<uint32_t>(Int(0, int(s.offers().size()) + 1))};
    MemberId by = AnyMember();
    if (s.offer(id) != nullptr && Chance(0.8)) by = s.offer(id)->supplier;
    return WithdrawOffer{.by = by, .offer = id};
  }

  Command Cancel(const State& s) {
    OrderId id{static_cast<uint32_t>(Int(0, int(s.orders().size()) + 1))};
    MemberId by = AnyMember();
    if (s.order(id) != nullptr && Chance(0.8)) by = s.order(id)->customer;
    return CancelOrder{.by = by, .order = id};
  }

  Command Update() {
    MemberId m = AnyMember();
    UpdateMember c;
    c.by = Chance(0.5) ? kOperator : Chance(0.8) ? m : AnyMember();
    c.member = m;
    if (Chance(0.7)) c.location = Location();
    if (Chance(0.2)) c.certifications = Subset(kCerts, 0.4);
    if (Chance(0.1)) c.roles = uint8_t(Int(1, 3));
    if (Chance(0.1)) c.processes = Processes();
    return c;
  }

  // A command the engine must reject.
  Command Invalid(Day today) {
    MemberId m = AnyMember();
    PlaceOrder order = MakeOrder(m, "machining", 5, today + 1, today + 5, 6000);
    PostOffer offer = MakeOffer(m, "machining", 5, today, today + 3, 6000);
    UpdateMember update;
    update.member = m;
    update.region = "nowhere";
    switch (Int(0, 11)) {
      case 0:
        order.quantity = 0;
        return order;
      case 1:
        order.due = order.start - 1;
        return order;
      case 2:
        order.process = "machining.grinding";
        return order;
      case 3:
        order.by = MemberId{kMembers + 5};
        return order;
      case 4:
        order.min_lot = 6;
        return order;
      case 5:
        offer.daily_capacity = 0;
        return offer;
      case 6:
        offer.unit_price = 0;
        return offer;
      case 7:
        offer.tags = {"bad tag"};
        return offer;
      case 8:
        return JoinCluster{.cluster = ClusterId{kClusters + 7}, .member = m};
      case 9:
        return SuspendMember{.by = m, .member = AnyMember(), .until = std::nullopt};
      case 10:
        return BlockMember{.by = m, .other = m};
      default:
        return update;
    }
  }

 private:
  std::mt19937_64 rng_;
};

// Runs one seed's commands, checking after each; stops at the first fatal failure. Adds the
// types of the events it made to `types`.
void RunSeed(uint64_t seed, std::set<std::string>& types) {
  const std::shared_ptr<const Taxonomy> taxonomy = MakeTaxonomy();
  Engine engine(taxonomy, Params{});
  CommandSource source(seed);
  Instant now = Instant{StartOf(*ParseDay("2026-03-02")).unix_ms + 9 * kMsPerHour};
  std::vector<Planned> planned = source.Setup(now);
  const size_t setup_size = planned.size();
  std::vector<Event> journal;
  int contracts = 0, oracle_checks = 0;

  for (size_t i = 0; i < setup_size + kCommandsPerSeed; ++i) {
    const State& s = engine.state();
    if (i >= setup_size) {
      now.unix_ms += source.Int(0, 30) * 60'000;
      planned.push_back(source.Next(s, now));
      now = planned.back().now;
    }
    const Planned& p = planned[i];
    auto where = [&] {
      return absl::StrCat("seed ", seed, " command ", i, " (", Describe(p.command), ") at ",
                          FormatInstant(p.now));
    };

    // What the oracles need from the state before the command.
    std::vector<std::pair<OfferId, FreeDays>> open;
    std::vector<std::pair<OrderId, Quantity>> resting;
    if (std::holds_alternative<PlaceOrder>(p.command)) {
      for (const CapacityOffer& o : s.offers()) {
        if (o.status != OfferStatus::kOpen) continue;
        std::span<const int32_t> days = o.calendar.free_days();
        open.push_back({o.id, FreeDays{o.calendar.from(), {days.begin(), days.end()}}});
      }
    } else if (std::holds_alternative<PostOffer>(p.command)) {
      for (const Order& o : s.orders()) {
        if (o.resting()) resting.push_back({o.id, o.remaining()});
      }
    }

    // A rejection must change nothing: checked on every invalid command and every eighth one
    // (hashing the whole state after every command would dominate the run time).
    std::optional<uint64_t> hash_before;
    if (p.must_reject || i % 8 == 0) hash_before = StateHash(s);

    Engine::Outcome out = engine.Execute(p.command, p.now);
    ASSERT_TRUE(out.rejection || !p.must_reject) << where() << ": an invalid command was accepted";
    if (out.rejection) {
      ASSERT_TRUE(out.events.empty()) << where();
      if (hash_before) {
        ASSERT_EQ(StateHash(s), *hash_before)
            << where() << ": a rejected command changed the state";
      }
      continue;
    }
    for (const Event& e : out.events) {
      ASSERT_EQ(e.seq, journal.size() + 1) << where();
      journal.push_back(e);
    }
    ASSERT_EQ(s.last_seq(), journal.size()) << where();
    // The fingerprint, read after a varying number of commands, against the whole state's hash.
    if (i % 8 == 0 || i % 13 == 5) {
      ASSERT_EQ(s.Fingerprint(), StateHash(s)) << where() << ": the fingerprint went stale";
    }
    std::vector<std::string> violations = CheckInvariants(s);
    ASSERT_TRUE(violations.empty()) << where() << ": " << violations.front();
    ASSERT_EQ(Recount(s), "") << where();
    ASSERT_EQ(RematchedToWhoLetGo(s, out.events), "") << where() << [&] {
      std::string t;
      for (const Event& e : out.events) absl::StrAppend(&t, " ", EventType(e.body));
      return t;
    }();

    std::vector<Allocation> made = ContractsIn(out.events);
    contracts += static_cast<int>(made.size());
    if (!out.events.empty()) {
      const auto* placed = std::get_if<OrderPlaced>(&out.events.front().body);
      if (placed != nullptr && placed->mode == OrderMode::kRfq) {
        ASSERT_TRUE(made.empty()) << where() << ": an rfq order matched at once";
      } else if (placed != nullptr) {
        ++oracle_checks;
        ASSERT_EQ(made, ExpectOrderFill(s, *s.order(placed->order), std::move(open),
                                        out.events.front().at))
            << where() << ": order " << placed->order.value;
      } else if (const auto* posted = std::get_if<OfferPosted>(&out.events.front().body)) {
        ++oracle_checks;
        ASSERT_EQ(made, ExpectOfferFill(s, *s.offer(posted->offer), std::move(resting),
                                        out.events.front().at))
            << where() << ": offer " << posted->offer.value;
      }
    }
  }
  EXPECT_GT(contracts, 100) << "seed " << seed << ": too few matches to prove anything";
  for (const Event& e : journal) types.insert(EventType(e.body));
  EXPECT_GT(oracle_checks, 400) << "seed " << seed;

  const uint64_t hash = StateHash(engine.state());
  Engine replayed(taxonomy, Params{});
  for (const Event& e : journal) replayed.Replay(e);
  EXPECT_EQ(StateHash(replayed.state()), hash) << "seed " << seed << ": replay differs";
  EXPECT_TRUE(CheckInvariants(replayed.state()).empty()) << "seed " << seed;

  Engine again(taxonomy, Params{});
  size_t events = 0, half_events = 0;
  const size_t half = planned.size() / 2;
  for (size_t i = 0; i < planned.size(); ++i) {
    if (i == half) half_events = events;
    events += again.Execute(planned[i].command, planned[i].now).events.size();
  }
  EXPECT_EQ(events, journal.size()) << "seed " << seed << ": re-execution differs";
  EXPECT_EQ(StateHash(again.state()), hash) << "seed " << seed << ": re-execution differs";

  // A bulk replay (recovery's) of the first half's events leaves the books and timers Apply
  // keeps: the second half's commands then make the same events and the same state.
  Engine bulk(taxonomy, Params{});
  bulk.BeginBulkReplay();
  for (size_t i = 0; i < half_events; ++i) bulk.Replay(journal[i]);
  bulk.EndBulkReplay();
  EXPECT_TRUE(CheckInvariants(bulk.state()).empty()) << "seed " << seed;
  size_t k = half_events;
  for (size_t i = half; i < planned.size(); ++i) {
    for (const Event& e : bulk.Execute(planned[i].command, planned[i].now).events) {
      ASSERT_LT(k, journal.size()) << "seed " << seed << ": the bulk replay made more events";
      ASSERT_EQ(e.seq, journal[k].seq) << "seed " << seed;
      ASSERT_STREQ(EventType(e.body), EventType(journal[k].body))
          << "seed " << seed << ": event " << e.seq << " after a bulk replay";
      ++k;
    }
  }
  EXPECT_EQ(k, journal.size()) << "seed " << seed << ": the bulk replay made fewer events";
  EXPECT_EQ(StateHash(bulk.state()), hash) << "seed " << seed << ": bulk replay differs";
}

class PropertyTest : public testing::TestWithParam<int> {};

TEST_P(PropertyTest, RandomCommandsKeepInvariantsMatchTheOracleAndReplay) {
  std::set<std::string> types;
  for (int i = 0; i < kSeedsPerShard && !HasFatalFailure(); ++i) {
    RunSeed(static_cast<uint64_t>(GetParam() * kSeedsPerShard + i), types);
  }
  // The mix reaches every step of a contract's life, releases and rematches included.
  for (const char* step :
       {"contract.confirmed", "contract.declined", "contract.lapsed", "contract.delivered",
        "contract.accepted", "contract.disputed", "contract.cancelled"}) {
    EXPECT_TRUE(types.contains(step)) << "shard " << GetParam() << ": no " << step;
  }
}

INSTANTIATE_TEST_SUITE_P(Shards, PropertyTest, testing::Range(0, kShards));

}  // namespace
}  // namespace subex
