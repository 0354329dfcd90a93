// Domain — the records the engine keeps: members, clusters, capacity offers, orders, contracts
// (PRODUCT §2). Plain data: `State` owns them and only `State::Apply` changes them.
//
// Names that recur (tags, certifications, limit names) are interned into `NameId`s by the state,
// so eligibility checks compare integers. Lists of them are kept sorted for subset tests.

#ifndef SUBEX_ENGINE_DOMAIN_H_
#define SUBEX_ENGINE_DOMAIN_H_

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "engine/calendar.h"
#include "engine/units.h"

namespace subex {

// Short sorted lists kept inline: most offers and orders name a few tags and one or two limits,
// and an allocation per list would cost more than the list.
using NameList = absl::InlinedVector<NameId, 3>;

// Role bits of a member.
// A platform (a portal front-end, PRODUCT §6) is a member of its own kind: it neither buys nor
// sells, and acts for the members that authorised it.
enum Role : uint8_t { kRoleCustomer = 1, kRoleSupplier = 2, kRolePlatform = 4 };

// A contract outcome that counts towards a supplier's reliability (PRODUCT §2).
struct ReliabilityOutcome {
  Day day;
  // 1 accepted on time, 0.5 late, 0 disputed / declined / lapsed / cancelled by the supplier.
  double value = 0;
};

// A member's profile as it registers and updates it: carried by the registration, recorded by
// the events and kept by the state, declared once.
struct MemberProfile {
  std::string name;
  std::string region;  // ISO 3166-2, e.g. RU-LIP.
  GeoPoint location;
  uint8_t roles = 0;  // Role bits.
};

struct Member : MemberProfile {
  MemberId id;
  std::string inn;
  std::vector<ProcessId> processes;      // Sorted.
  NameList certifications;    // Sorted.
  std::vector<ClusterId> clusters;       // Sorted.
  std::optional<Day> suspended_until;    // Suspended through this day, inclusive.
  absl::flat_hash_set<uint32_t> blocked; // Members this member has blocked.
  std::vector<ReliabilityOutcome> outcomes;  // Ascending by day.
  // Derived from `outcomes`, kept by State and rebuilt on restore: outcome_sums[i] is the sum of
  // the first i values (so one more entry than outcomes), and good_outcomes counts the outcomes
  // at or above the reliability prior. Values are 0, 0.5 or 1, so the sums are exact.
  std::vector<double> outcome_sums;
  int64_t good_outcomes = 0;
  std::vector<OfferId> offers;               // Every offer it posted, oldest first.
  std::vector<OrderId> orders;               // Every order it placed, oldest first.
  std::vector<ContractId> contracts;         // As customer or supplier, oldest first.
  Instant created_at;
  int64_t revision = 1;
  std::vector<BidId> bids;  // Every bid it placed, oldest first.
  // Its rfq orders that closed with at least one eligible bid, by how they ended (PRODUCT §2:
  // the award rate is awarded / (awarded + unawarded)).
  int32_t rfq_awarded = 0;
  int32_t rfq_unawarded = 0;
  std::vector<MemberId> platforms;  // Platforms this member authorised to act for it; sorted.

  bool is(Role r) const { return (roles & r) != 0; }
  bool SuspendedOn(Day today) const { return suspended_until && today <= *suspended_until; }
  bool Blocks(MemberId other) const { return blocked.contains(other.value); }
};

// What an API key may do (PRODUCT §6). Admin keys are the operator's and live outside the engine.
enum class KeyKind : uint8_t { kMember, kPlatform, kAnalyst };

// Member and platform keys act for `member`; analyst keys for nobody (read-only analytics).
struct ApiKey {
  KeyId id;
  KeyKind kind = KeyKind::kMember;
  MemberId member;
  std::string label;
  bool revoked = false;
};

enum class ClusterKind : uint8_t { kLocal, kRegional, kVirtual, kInternational };

struct Cluster {
  ClusterId id;
  std::string name;
  std::string region;
  ClusterKind kind = ClusterKind::kLocal;
  std::vector<MemberId> members;  // Sorted.
  Instant created_at;
  int64_t revision = 1;
};

// A named numeric value: an offer's limit (a maximum it can do) or an order's need (a minimum
// the offer's limit must reach).
struct Limit {
  NameId name = 0;
  double value = 0;
  friend bool operator==(const Limit&, const Limit&) = default;
};
using LimitList = absl::InlinedVector<Limit, 1>;

enum class OfferStatus : uint8_t { kOpen, kExhausted, kWithdrawn, kExpired };

// The terms of a capacity offer as its supplier states them: carried by the command, recorded by
// the event and kept by the state, declared once.
struct OfferTerms {
  int32_t daily_capacity = 0;
  Day from, to;  // Inclusive.
  Kopecks unit_price = 0;
  Quantity min_lot = 1;
  bool auto_accept = true;
};

struct CapacityOffer : OfferTerms {
  OfferId id;
  MemberId supplier;
  ProcessId process;
  NameList tags;  // Sorted.
  LimitList limits;  // Sorted by name.
  OfferStatus status = OfferStatus::kOpen;
  CapacityCalendar calendar;  // Free capacity per day of [from, to].
  std::vector<ContractId> contracts;
  Instant created_at;
  int64_t revision = 1;
};

enum class OrderMode : uint8_t { kAuto, kRfq };
// Who awards an rfq order's bids: the engine at the close, or the customer before `award_by`.
enum class AwardMode : uint8_t { kAuto, kManual };
enum class Visibility : uint8_t { kPublic, kClusters, kInvited };
enum class OrderStatus : uint8_t {
  kOpen,
  kPartiallyAllocated,
  kAllocated,
  kCompleted,
  kCancelled,
  kExpired,
  kBidding,    // rfq: collecting sealed bids until bids_close_at.
  kAwarding,   // rfq, manual award: closed, waiting for the customer until award_by.
  kUnawarded,  // rfq: ended without any award.
};

// The terms of an order as its customer states them: one value that the command carries, the
// event records and the state keeps, so that a new term is declared once. The id lists are
// sorted and unique from the event on.
struct OrderTerms {
  std::string title;
  Quantity quantity = 0;
  Day start, due;
  Kopecks max_unit_price = 0;
  std::optional<double> max_distance_km = {};
  OrderMode mode = OrderMode::kAuto;
  Visibility visibility = Visibility::kPublic;
  std::vector<ClusterId> visible_to_clusters = {};  // With Visibility::kClusters.
  std::vector<MemberId> invited = {};               // With Visibility::kInvited.
  std::vector<ClusterId> prefer_clusters = {};
  Kopecks cluster_bonus = 0;  // Per unit, for suppliers in prefer_clusters.
  AwardMode award = AwardMode::kAuto;
};

// The terms the engine settles when it accepts an order: the customer's where given, else their
// defaults (engine/decide_trade.cc). The event records them and the state keeps them.
struct OrderSettled {
  GeoPoint location;
  Quantity min_lot = 1;
  Instant expires_at;
  // rfq only; zero for auto orders.
  Instant bids_close_at;
  Instant award_by;  // With AwardMode::kManual; the close itself with kAuto.
};

struct Order : OrderTerms, OrderSettled {
  OrderId id;
  MemberId customer;
  ProcessId process;
  Quantity allocated = 0;  // Held by its live contracts (neither declined, lapsed nor cancelled).
  // Taken back by the customer cancelling contracts: no longer wanted, so never matched again.
  Quantity withdrawn = 0;
  NameList certifications;  // Sorted.
  NameList tags;            // Sorted.
  LimitList needs;          // Sorted by name.
  OrderStatus status = OrderStatus::kOpen;
  std::vector<ContractId> contracts;
  // Suppliers that declined, let lapse or cancelled one of its contracts: never matched with it
  // again. An index over its contracts.
  std::vector<MemberId> let_go_by;
  Instant created_at;
  int64_t revision = 1;
  std::vector<BidId> bids;  // rfq: every bid placed on it, oldest first.

  Quantity remaining() const { return quantity - allocated - withdrawn; }
  bool LetGoBy(MemberId supplier) const {
    return !let_go_by.empty() &&
           std::find(let_go_by.begin(), let_go_by.end(), supplier) != let_go_by.end();
  }
  // On the auto book, waiting for offers. An rfq order never rests: what its award leaves
  // uncovered is not matched.
  bool resting() const {
    return mode == OrderMode::kAuto &&
           (status == OrderStatus::kOpen || status == OrderStatus::kPartiallyAllocated);
  }
  // An rfq order still bidding or waiting for its award.
  bool awaiting_award() const {
    return status == OrderStatus::kBidding || status == OrderStatus::kAwarding;
  }
};

// Every term of the ranking (PRODUCT §3), kept so each match explains itself. Money terms are
// kopecks per unit, as doubles because the score is a ranking number, not money.
struct Score {
  double unit_price = 0;
  double transport = 0;
  double landed = 0;
  double reliability = 0;
  double risk_factor = 0;
  double cluster_bonus = 0;
  double total = 0;
  double distance_km = 0;
  friend bool operator==(const Score&, const Score&) = default;
};

struct DayQuantity {
  Day day;
  int32_t quantity = 0;
  friend bool operator==(const DayQuantity&, const DayQuantity&) = default;
};

enum class ContractState : uint8_t {
  kPendingConfirmation,
  kActive,
  kDelivered,
  kAccepted,
  kDisputed,
  kDeclined,
  kCancelled,
  kLapsed,  // Not confirmed by `confirm_by`.
};

struct Contract {
  ContractId id;
  OrderId order;
  OfferId offer;
  MemberId customer;
  MemberId supplier;
  Quantity quantity = 0;
  Kopecks unit_price = 0;
  std::vector<DayQuantity> days;  // Ascending by day.
  Score score;
  ContractState state = ContractState::kActive;
  Instant created_at;
  std::optional<Instant> confirm_by;  // With kPendingConfirmation.
  std::optional<Day> delivered_on;    // From kDelivered on.
  MemberId cancelled_by;              // With kCancelled: the customer or the supplier.
  std::string reason;                 // Why it was declined, disputed or cancelled.
  int64_t revision = 1;

  // Holds its days on the offer's calendar and its quantity on the order.
  bool live() const {
    return state != ContractState::kDeclined && state != ContractState::kCancelled &&
           state != ContractState::kLapsed;
  }
  BidId bid;  // The awarded bid; invalid for a match. An award without an offer has no offer.
};

// A bid's life (PRODUCT §2, §4). Sealed while kOpen: only its bidder sees it.
enum class BidStatus : uint8_t {
  kOpen,        // Placed; bidding is open.
  kWithdrawn,   // Withdrawn by its bidder before the close.
  kIneligible,  // Judged ineligible at the close (`reason` says why).
  kRanked,      // Eligible at the close, scored, waiting for the award.
  kAwarded,     // Made a contract.
  kFailed,      // Its award was tried and failed (`reason` says why).
  kLost,        // The order ended without awarding it.
};

// The terms of a bid as its supplier states them: carried by the command, recorded by the event
// and kept by the state, declared once.
struct BidTerms {
  Kopecks unit_price = 0;
  Quantity quantity = 0;
  int32_t lead_days = 0;  // Days from the award to delivery at the order's location.
};

struct Bid : BidTerms {
  BidId id;
  OrderId order;
  MemberId supplier;
  OfferId offer;          // The offer whose calendar it draws on; invalid for none.
  BidStatus status = BidStatus::kOpen;
  Score score;          // From the close, when it was ranked.
  std::string reason;   // Why it is ineligible or its award failed.
  ContractId contract;  // With kAwarded.
  Instant created_at;
  int64_t revision = 1;

  // Still in the running: open, or ranked and not yet awarded.
  bool standing() const { return status == BidStatus::kOpen || status == BidStatus::kRanked; }
};

// A 64-bit summary of a set of names (bit id % 64 per name): an offer can only satisfy every
// tag, limit and certification an order asks for if the order's mask lies inside the offer's, so
// the offer book rules most mismatches out from the entry alone.
uint64_t NameMask(const NameList& names);
uint64_t NameMask(const NameList& tags, const LimitList& limits);

const char* ToString(OfferStatus s);
const char* ToString(OrderStatus s);
const char* ToString(ContractState s);
const char* ToString(OrderMode m);
const char* ToString(AwardMode m);
const char* ToString(BidStatus s);
const char* ToString(Visibility v);
const char* ToString(ClusterKind k);
const char* ToString(KeyKind k);

}  // namespace subex

#endif  // SUBEX_ENGINE_DOMAIN_H_
