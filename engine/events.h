// Events — every change to the engine's state, as a fact (PRODUCT §5, §8).
//
// `Decide` produces them; `State::Apply` is the only code that changes state, and it does so only
// from events. Events carry everything Apply needs (ids already assigned, days already planned),
// so replaying a journal reproduces the state exactly without re-running any decision. Names
// (tags, certifications, limit names) travel as strings and are interned on apply.
//
// The envelope's `seq` is global and gap-free, assigned by the engine in commit order.
//
// Plain values; safe for concurrent use as values.

#ifndef SUBEX_ENGINE_EVENTS_H_
#define SUBEX_ENGINE_EVENTS_H_

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "engine/commands.h"
#include "engine/domain.h"
#include "engine/units.h"

namespace subex {

struct MemberRegistered : MemberProfile {
  MemberId member;
  std::string inn;
  std::vector<ProcessId> processes;         // Sorted, unique.
  std::vector<std::string> certifications;  // Sorted, unique.
};

// The member's full new profile (not a diff), so apply never has to merge.
struct MemberUpdated : MemberProfile {
  MemberId member;
  std::vector<ProcessId> processes;
  std::vector<std::string> certifications;
};

struct ClusterCreated {
  ClusterId cluster;
  std::string name;
  std::string region;
  ClusterKind kind = ClusterKind::kLocal;
};

struct ClusterMemberAdded {
  ClusterId cluster;
  MemberId member;
};

struct ClusterMemberRemoved {
  ClusterId cluster;
  MemberId member;
};

struct MemberBlocked {
  MemberId member;
  MemberId other;
};

struct MemberUnblocked {
  MemberId member;
  MemberId other;
};

struct MemberSuspended {
  MemberId member;
  std::optional<Day> until;  // Absent: the suspension is lifted.
};

struct OfferPosted : OfferTerms {
  OfferId offer;
  MemberId supplier;
  ProcessId process;
  std::vector<std::string> tags;  // Sorted, unique.
  NamedValues limits;             // Sorted by name, unique.
};

// The owner travels with the event so the feed (PRODUCT §5) can tell who may see it from the
// event alone.
struct OfferWithdrawn {
  OfferId offer;
  MemberId supplier;
};

struct OfferExpired {
  OfferId offer;
  MemberId supplier;
};

struct OrderPlaced : OrderTerms, OrderSettled {
  OrderId order;
  MemberId customer;
  ProcessId process;
  std::vector<std::string> certifications;  // Sorted, unique.
  std::vector<std::string> tags;            // Sorted, unique.
  NamedValues needs;                        // Sorted by name, unique.
};

struct OrderCancelled {
  OrderId order;
  MemberId customer;
};

struct OrderExpired {
  OrderId order;
  MemberId customer;
};

// One allocation: reserves `days` of the offer's calendar for the order.
struct ContractCreated {
  ContractId contract;
  OrderId order;
  OfferId offer;
  MemberId customer;
  MemberId supplier;
  Quantity quantity = 0;
  Kopecks unit_price = 0;
  std::vector<DayQuantity> days;  // Ascending; quantities sum to `quantity`.
  Score score;
  ContractState state = ContractState::kActive;
  std::optional<Instant> confirm_by;
  // An award: the bid it awards. `offer` is then the bid's offer, or invalid (and `days` empty)
  // for a bid that named none.
  BidId bid;
};

// An API key now acts for `member` (PRODUCT §6). Only the key's hash is ever known to the engine:
// the key itself is shown once to whoever asked for it and kept nowhere.
struct KeyIssued {
  std::string hash;  // SHA-256 of the key, lowercase hex.
  KeyKind kind = KeyKind::kMember;
  MemberId member;  // Invalid for an analyst key.
  KeyId key;
  std::string label;
};

// The key no longer opens anything.
struct KeyRevoked {
  KeyId key;
  MemberId member;
};

// The contract's steps (PRODUCT §2). Each names both parties, so the feed can tell who may see
// it from the event alone.
//
// A declined, lapsed or cancelled contract releases what it held: its days go back to the
// offer's calendar and its quantity leaves the order's `allocated`. `reopen_offer` says the offer
// was exhausted and goes back on the book; `reopen_order` says the order was fully allocated and
// goes back on the resting book with the released remainder. Any new contracts of the rematch
// follow as contract.created events of the same command.

struct ContractConfirmed {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
};

struct ContractDeclined {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
  std::string reason;
  bool reopen_offer = false;
  bool reopen_order = false;
};

// Not confirmed by `confirm_by`; counts against the supplier like a decline.
struct ContractLapsed {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
  bool reopen_offer = false;
  bool reopen_order = false;
};

struct ContractDelivered {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
  Day delivered_on;
};

struct ContractAccepted {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
  bool on_time = true;           // Delivered no later than the order's due day.
  bool completes_order = false;  // The order's last open contract: the order is completed.
};

struct ContractDisputed {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
  std::string reason;
  bool completes_order = false;
};

// By `by`, one of the two parties. A customer's cancellation withdraws the quantity from the
// order for good (Order::withdrawn), so `reopen_order` is then always false.
struct ContractCancelled {
  ContractId contract;
  MemberId customer;
  MemberId supplier;
  MemberId by;
  std::string reason;
  bool reopen_offer = false;
  bool reopen_order = false;
};

// rfq mode (PRODUCT §4, §5).

// An rfq order is announced to the suppliers eligible for it (engine/rfq.h), nearest first, at
// most LimitParams::max_announced of them. Each named supplier may see this event in the feed
// (`MaySee`); the list itself is the customer's business, not the suppliers'.
struct OrderAnnounced {
  OrderId order;
  MemberId customer;
  std::vector<MemberId> suppliers;  // Sorted, unique.
};

struct BidPlaced : BidTerms {
  BidId bid;
  OrderId order;
  MemberId supplier;
  OfferId offer;  // Invalid for none.
};

struct BidWithdrawn {
  BidId bid;
  OrderId order;
  MemberId supplier;
};

// How the close judged one standing bid: eligible with its score, or not (`reason`).
struct BidVerdict {
  BidId bid;
  MemberId supplier;
  Score score;         // Zero when ineligible.
  std::string reason;  // Empty when eligible; else an engine/eligibility.h reason name.
  friend bool operator==(const BidVerdict&, const BidVerdict&) = default;
};

// Bidding on an rfq order closed. The customer now sees every bid with its score.
struct BiddingClosed {
  OrderId order;
  MemberId customer;
  std::vector<BidVerdict> bids;  // Every standing bid, by id.
};

// An award of `bid` was tried and failed; the next bid is tried.
struct AwardFailed {
  OrderId order;
  BidId bid;
  MemberId customer;
  MemberId supplier;
  // "capacity", "min_lot", "lead_time", "offer_withdrawn" (or _expired, _exhausted), or an
  // engine/eligibility.h reason name ("blocked", "suspended", …).
  std::string reason;
};

// An rfq order ended with contracts (already created) for `quantity` in all.
struct OrderAwarded {
  OrderId order;
  MemberId customer;
  Quantity quantity = 0;
};

// An rfq order ended without any award: nothing eligible at the close, every award failed, or
// its manual award lapsed at `award_by`.
struct OrderUnawarded {
  OrderId order;
  MemberId customer;
};

// `member` lets `platform` act for it (X-On-Behalf-Of), or stops letting it.
struct PlatformAuthorized {
  MemberId member;
  MemberId platform;
};

struct PlatformRevoked {
  MemberId member;
  MemberId platform;
};

// The deployment's public ids are keyed by `secret` (KeyPublicIds). The operator's internal
// record: it concerns no member, and the feed never shows the secret.
struct PublicIdsKeyed {
  std::string secret;  // kPublicIdSecretBytes raw bytes.
};

using EventBody =
    std::variant<MemberRegistered, MemberUpdated, ClusterCreated, ClusterMemberAdded,
                 ClusterMemberRemoved, MemberBlocked, MemberUnblocked, MemberSuspended, OfferPosted,
                 OfferWithdrawn, OfferExpired, OrderPlaced, OrderCancelled, OrderExpired,
                 ContractCreated, KeyIssued, OrderAnnounced, BidPlaced, BidWithdrawn, BiddingClosed,
                 AwardFailed, OrderAwarded, OrderUnawarded, KeyRevoked, PlatformAuthorized,
                 PlatformRevoked,
                 // Contracts.
                 ContractConfirmed, ContractDeclined, ContractLapsed, ContractDelivered,
                 ContractAccepted, ContractDisputed, ContractCancelled, PublicIdsKeyed>;

struct Event {
  uint64_t seq = 0;  // Global, gap-free, from 1.
  Instant at;        // The `now` of the command that produced it.
  EventBody body;
};

// The event's type name as the feed shows it, e.g. "order.placed".
const char* EventType(const EventBody& body);

// The members an event concerns (its owners and counterparties): who may read it in the feed
// besides the operator. At most two; an invalid id marks an unused slot.
struct Parties {
  MemberId first, second;
  bool Includes(MemberId m) const { return m.valid() && (m == first || m == second); }
};
Parties PartiesOf(const EventBody& body);

// Whether member `m` may read the event in the feed: one of its parties, or a supplier an
// order.announced names. The one question the feed asks of a member's key.
bool MaySee(const EventBody& body, MemberId m);

}  // namespace subex

#endif  // SUBEX_ENGINE_EVENTS_H_
