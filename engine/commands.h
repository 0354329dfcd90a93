// Commands — everything that asks the engine to change something (PRODUCT §8).
//
// A command says who acts (`by`: a member, or `kOperator` for the platform operator's admin key)
// and what they want, in the words of the API: process codes and names as strings, money in
// kopecks, days as `Day`. `Decide` validates it against the state and answers with events or a
// `Rejection`; nothing here is trusted.
//
//   Command c = PlaceOrder{{.title = "Valve bodies", .quantity = 240, .start = d1, .due = d20,
//                           .max_unit_price = 350000},
//                          customer, "machining.milling"};
//
// Plain values; safe for concurrent use as values.

#ifndef SUBEX_ENGINE_COMMANDS_H_
#define SUBEX_ENGINE_COMMANDS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "engine/domain.h"
#include "engine/units.h"

namespace subex {

// The acting party of operator-only commands (admin keys, PRODUCT §6).
inline constexpr MemberId kOperator{};

using NamedValues = std::vector<std::pair<std::string, double>>;

struct RegisterMember : MemberProfile {
  MemberId by = kOperator;
  std::string inn;
  std::vector<std::string> processes = {};
  std::vector<std::string> certifications = {};
  // SHA-256 (lowercase hex) of the member's first API key, issued with the registration; empty
  // for none.
  std::string key_hash = {};
};

// Replaces the fields that are set. By the member itself or the operator.
struct UpdateMember {
  MemberId by = kOperator;
  MemberId member;
  std::optional<int64_t> if_match = {};  // The revision the caller last saw (HTTP If-Match).
  std::optional<std::string> name = {};
  std::optional<std::string> region = {};
  std::optional<GeoPoint> location = {};
  std::optional<uint8_t> roles = {};
  std::optional<std::vector<std::string>> processes = {};
  std::optional<std::vector<std::string>> certifications = {};
};

struct CreateCluster {
  MemberId by = kOperator;
  std::string name;
  std::string region;
  ClusterKind kind = ClusterKind::kLocal;
};

struct JoinCluster {
  MemberId by = kOperator;
  ClusterId cluster;
  MemberId member;
  std::optional<int64_t> if_match = {};  // The cluster's revision.
};

struct LeaveCluster {
  MemberId by = kOperator;
  ClusterId cluster;
  MemberId member;
  std::optional<int64_t> if_match = {};  // The cluster's revision.
};

// `by` blocks `other`: neither is matched with the other afterwards.
struct BlockMember {
  MemberId by;
  MemberId other;
  std::optional<int64_t> if_match = {};  // `by`'s revision: its blocked list is part of it.
};

struct UnblockMember {
  MemberId by;
  MemberId other;
  std::optional<int64_t> if_match = {};  // `by`'s revision.
};

// Operator only. `until` absent lifts a suspension.
struct SuspendMember {
  MemberId by = kOperator;
  MemberId member;
  std::optional<Day> until = {};
  std::optional<int64_t> if_match = {};  // The member's revision.
};

struct PostOffer : OfferTerms {
  MemberId by;
  std::string process;
  std::vector<std::string> tags = {};
  NamedValues limits = {};
};

struct WithdrawOffer {
  MemberId by;
  OfferId offer;
  std::optional<int64_t> if_match = {};
};

// The terms travel as they are; the settled ones (OrderSettled) are optional here and take their
// defaults when absent.
struct PlaceOrder : OrderTerms {
  MemberId by;
  std::string process;
  std::vector<std::string> certifications = {};
  std::vector<std::string> tags = {};
  NamedValues needs = {};
  std::optional<GeoPoint> location = {};   // Default: the customer's.
  std::optional<Quantity> min_lot = {};    // Default 1.
  std::optional<Instant> expires_at = {};  // Default: the end of the due day.
  // rfq only (PRODUCT §4). `bids_close_at` is required for rfq, in the future and before the
  // due day begins. `award_by` only with AwardMode::kManual; default: 72 hours after the close,
  // but never later than the start of the due day.
  std::optional<Instant> bids_close_at = {};
  std::optional<Instant> award_by = {};
};

// Contracts already made stand; the remainder leaves the book.
struct CancelOrder {
  MemberId by;
  OrderId order;
  std::optional<int64_t> if_match = {};
};


// The contract's life (PRODUCT §2), each step by one of its two parties:
//
//   pending_confirmation ──confirm──▶ active ──deliver──▶ delivered ──accept──▶ accepted
//        │  └─decline / lapse─▶ declined, lapsed          │                 └─dispute─▶ disputed
//        └─cancel (customer)─▶ cancelled ◀─cancel (either)─┘
//
// A member that is not a party gets NotFound (it may not learn that the contract exists); a
// party asking for the other party's step gets PermissionDenied; the right party asking for a
// step the contract's state does not allow gets FailedPrecondition. `if_match` is judged after
// the party and before the state.

// By the supplier, while pending and before `confirm_by`.
struct ConfirmContract {
  MemberId by;
  ContractId contract;
  std::optional<int64_t> if_match = {};
};

// By the supplier, while pending and before `confirm_by`. The reason is optional.
struct DeclineContract {
  MemberId by;
  ContractId contract;
  std::optional<int64_t> if_match = {};
  std::string reason;
};

// By the supplier, while active: the work is handed over today.
struct DeliverContract {
  MemberId by;
  ContractId contract;
  std::optional<int64_t> if_match = {};
};

// By the customer, once delivered. On time when delivered no later than the order's due day.
struct AcceptContract {
  MemberId by;
  ContractId contract;
  std::optional<int64_t> if_match = {};
};

// By the customer, once delivered, saying why.
struct DisputeContract {
  MemberId by;
  ContractId contract;
  std::optional<int64_t> if_match = {};
  std::string reason;
};

// By the customer while pending or active, or by the supplier while active (a pending contract
// is declined, not cancelled, by its supplier); saying why.
struct CancelContract {
  MemberId by;
  ContractId contract;
  std::optional<int64_t> if_match = {};
  std::string reason;
};
// Advances time to the command's `now` and fires every timer due by then: offer and order
// expiry, the close of bidding on rfq orders (with their automatic award), the lapse of rfq
// orders nobody awarded by `award_by`, then contracts past `confirm_by` lapse (as a decline
// would, PRODUCT §2).
struct Tick {};

// A supplier's sealed bid on an rfq order (PRODUCT §2 Bid, §4). `offer`, when named, is one of
// the bidder's own open offers whose calendar the award draws on.
struct PlaceBid : BidTerms {
  MemberId by;
  OrderId order;
  std::optional<OfferId> offer = {};
};

// By its bidder, before the close. `order`, when given, must be the bid's order (a path such as
// /v1/orders/{id}/bids/{bid} names both); otherwise the bid is not found.
struct WithdrawBid {
  MemberId by;
  BidId bid;
  std::optional<int64_t> if_match = {};
  std::optional<OrderId> order = {};
};

// The customer of a manual-award rfq order awards the chosen bids, best first in its eyes,
// after the close and before `award_by`. Each bid is awarded up to what is still needed; one
// whose award fails (its offer has no room, a lead time that no longer makes the due day) is
// reported and the next is tried. The order ends with the first award that makes a contract.
struct AwardBids {
  MemberId by;
  OrderId order;
  std::vector<BidId> bids;
  std::optional<int64_t> if_match = {};  // The order's revision.
};

// The commands of rfq mode close the variant, in one block.
// Operator only: a new key for a member or platform (`member`), or an analyst key (no member).
struct IssueKey {
  MemberId by = kOperator;
  KeyKind kind = KeyKind::kMember;
  MemberId member;
  std::string label;
  std::string key_hash;  // SHA-256 (lowercase hex) of the key.
};

// By the operator, or by the member a member key belongs to.
struct RevokeKey {
  MemberId by = kOperator;
  KeyId key;
};

// `by` lets the platform act for it, or stops letting it.
struct AuthorizePlatform {
  MemberId by;
  MemberId platform;
  std::optional<int64_t> if_match = {};  // `by`'s revision.
};

struct RevokePlatform {
  MemberId by;
  MemberId platform;
  std::optional<int64_t> if_match = {};  // `by`'s revision.
};

// Operator only, and only as the first event of a fresh journal: the deployment's secret that
// keys its public ids (api/ids.h), 32 random bytes the caller drew from a CSPRNG (the engine has
// no I/O). Journalled so that recovery, snapshots and replicas agree on it; a journal that began
// without one keeps the fixed scramble of older builds for good.
inline constexpr size_t kPublicIdSecretBytes = 32;
struct KeyPublicIds {
  MemberId by = kOperator;
  std::string secret;
};
using Command = std::variant<RegisterMember, UpdateMember, CreateCluster, JoinCluster, LeaveCluster,
                             BlockMember, UnblockMember, SuspendMember, PostOffer, WithdrawOffer,
                             PlaceOrder, CancelOrder, Tick, PlaceBid, WithdrawBid, AwardBids,
                             IssueKey, RevokeKey, AuthorizePlatform, RevokePlatform,
                             ConfirmContract, DeclineContract, DeliverContract, AcceptContract,
                             DisputeContract, CancelContract, KeyPublicIds>;

}  // namespace subex

#endif  // SUBEX_ENGINE_COMMANDS_H_
