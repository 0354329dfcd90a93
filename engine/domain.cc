#include "engine/domain.h"

#include <algorithm>

#include "engine/events.h"
#include "engine/rejection.h"

namespace subex {

uint64_t NameMask(const NameList& names) {
  uint64_t mask = 0;
  for (NameId n : names) mask |= uint64_t{1} << (n % 64);
  return mask;
}

uint64_t NameMask(const NameList& tags, const LimitList& limits) {
  uint64_t mask = 0;
  for (NameId t : tags) mask |= uint64_t{1} << (t % 64);
  for (const Limit& l : limits) mask |= uint64_t{1} << (l.name % 64);
  return mask;
}

const char* ToString(OfferStatus s) {
  switch (s) {
    case OfferStatus::kOpen: return "open";
    case OfferStatus::kExhausted: return "exhausted";
    case OfferStatus::kWithdrawn: return "withdrawn";
    case OfferStatus::kExpired: return "expired";
  }
  return "unknown";
}

const char* ToString(OrderStatus s) {
  switch (s) {
    case OrderStatus::kOpen: return "open";
    case OrderStatus::kPartiallyAllocated: return "partially_allocated";
    case OrderStatus::kAllocated: return "allocated";
    case OrderStatus::kCompleted: return "completed";
    case OrderStatus::kCancelled: return "cancelled";
    case OrderStatus::kExpired: return "expired";
    case OrderStatus::kBidding: return "bidding";
    case OrderStatus::kAwarding: return "awarding";
    case OrderStatus::kUnawarded: return "unawarded";
  }
  return "unknown";
}

const char* ToString(ContractState s) {
  switch (s) {
    case ContractState::kPendingConfirmation: return "pending_confirmation";
    case ContractState::kActive: return "active";
    case ContractState::kDelivered: return "delivered";
    case ContractState::kAccepted: return "accepted";
    case ContractState::kDisputed: return "disputed";
    case ContractState::kDeclined: return "declined";
    case ContractState::kCancelled: return "cancelled";
    case ContractState::kLapsed: return "lapsed";
  }
  return "unknown";
}

const char* ToString(OrderMode m) { return m == OrderMode::kAuto ? "auto" : "rfq"; }

const char* ToString(AwardMode m) { return m == AwardMode::kAuto ? "auto" : "manual"; }

const char* ToString(BidStatus s) {
  switch (s) {
    case BidStatus::kOpen: return "open";
    case BidStatus::kWithdrawn: return "withdrawn";
    case BidStatus::kIneligible: return "ineligible";
    case BidStatus::kRanked: return "ranked";
    case BidStatus::kAwarded: return "awarded";
    case BidStatus::kFailed: return "failed";
    case BidStatus::kLost: return "lost";
  }
  return "unknown";
}

const char* ToString(Visibility v) {
  switch (v) {
    case Visibility::kPublic: return "public";
    case Visibility::kClusters: return "clusters";
    case Visibility::kInvited: return "invited";
  }
  return "unknown";
}

const char* ToString(ClusterKind k) {
  switch (k) {
    case ClusterKind::kLocal: return "local";
    case ClusterKind::kRegional: return "regional";
    case ClusterKind::kVirtual: return "virtual";
    case ClusterKind::kInternational: return "international";
  }
  return "unknown";
}

const char* ToString(KeyKind k) {
  switch (k) {
    case KeyKind::kMember: return "member";
    case KeyKind::kPlatform: return "platform";
    case KeyKind::kAnalyst: return "analyst";
  }
  return "unknown";
}

const char* ToString(RejectCode code) {
  switch (code) {
    case RejectCode::kInvalidArgument: return "invalid_argument";
    case RejectCode::kNotFound: return "not_found";
    case RejectCode::kFailedPrecondition: return "failed_precondition";
    case RejectCode::kPermissionDenied: return "permission_denied";
    case RejectCode::kRevisionMismatch: return "revision_mismatch";
  }
  return "unknown";
}

namespace {

struct TypeName {
  const char* operator()(const MemberRegistered&) const { return "member.registered"; }
  const char* operator()(const MemberUpdated&) const { return "member.updated"; }
  const char* operator()(const ClusterCreated&) const { return "cluster.created"; }
  const char* operator()(const ClusterMemberAdded&) const { return "cluster.member_added"; }
  const char* operator()(const ClusterMemberRemoved&) const { return "cluster.member_removed"; }
  const char* operator()(const MemberBlocked&) const { return "member.blocked"; }
  const char* operator()(const MemberUnblocked&) const { return "member.unblocked"; }
  const char* operator()(const MemberSuspended&) const { return "member.suspended"; }
  const char* operator()(const OfferPosted&) const { return "offer.posted"; }
  const char* operator()(const OfferWithdrawn&) const { return "offer.withdrawn"; }
  const char* operator()(const OfferExpired&) const { return "offer.expired"; }
  const char* operator()(const OrderPlaced&) const { return "order.placed"; }
  const char* operator()(const OrderCancelled&) const { return "order.cancelled"; }
  const char* operator()(const OrderExpired&) const { return "order.expired"; }
  const char* operator()(const ContractCreated&) const { return "contract.created"; }
  const char* operator()(const KeyIssued&) const { return "key.issued"; }
  const char* operator()(const ContractConfirmed&) const { return "contract.confirmed"; }
  const char* operator()(const ContractDeclined&) const { return "contract.declined"; }
  const char* operator()(const ContractLapsed&) const { return "contract.lapsed"; }
  const char* operator()(const ContractDelivered&) const { return "contract.delivered"; }
  const char* operator()(const ContractAccepted&) const { return "contract.accepted"; }
  const char* operator()(const ContractDisputed&) const { return "contract.disputed"; }
  const char* operator()(const ContractCancelled&) const { return "contract.cancelled"; }
  const char* operator()(const OrderAnnounced&) const { return "order.announced"; }
  const char* operator()(const BidPlaced&) const { return "bid.placed"; }
  const char* operator()(const BidWithdrawn&) const { return "bid.withdrawn"; }
  const char* operator()(const BiddingClosed&) const { return "order.bidding_closed"; }
  const char* operator()(const AwardFailed&) const { return "bid.award_failed"; }
  const char* operator()(const OrderAwarded&) const { return "order.awarded"; }
  const char* operator()(const OrderUnawarded&) const { return "order.unawarded"; }
  const char* operator()(const KeyRevoked&) const { return "key.revoked"; }
  const char* operator()(const PlatformAuthorized&) const { return "platform.authorized"; }
  const char* operator()(const PlatformRevoked&) const { return "platform.revoked"; }
  const char* operator()(const PublicIdsKeyed&) const { return "ids.keyed"; }
};

struct PartiesVisitor {
  Parties operator()(const MemberRegistered& e) const { return {e.member, {}}; }
  Parties operator()(const MemberUpdated& e) const { return {e.member, {}}; }
  Parties operator()(const ClusterCreated&) const { return {}; }
  Parties operator()(const ClusterMemberAdded& e) const { return {e.member, {}}; }
  Parties operator()(const ClusterMemberRemoved& e) const { return {e.member, {}}; }
  // A block is the blocker's private business: the blocked member is not told.
  Parties operator()(const MemberBlocked& e) const { return {e.member, {}}; }
  Parties operator()(const MemberUnblocked& e) const { return {e.member, {}}; }
  Parties operator()(const MemberSuspended& e) const { return {e.member, {}}; }
  Parties operator()(const OfferPosted& e) const { return {e.supplier, {}}; }
  Parties operator()(const OfferWithdrawn& e) const { return {e.supplier, {}}; }
  Parties operator()(const OfferExpired& e) const { return {e.supplier, {}}; }
  Parties operator()(const OrderPlaced& e) const { return {e.customer, {}}; }
  Parties operator()(const OrderCancelled& e) const { return {e.customer, {}}; }
  Parties operator()(const OrderExpired& e) const { return {e.customer, {}}; }
  Parties operator()(const ContractCreated& e) const { return {e.customer, e.supplier}; }
  // Key hashes are the operator's business only.
  Parties operator()(const KeyIssued&) const { return {}; }
  // Every step of a contract concerns both its parties.
  template <typename E>
    requires requires(const E& e) { e.contract; e.customer; e.supplier; }
  Parties operator()(const E& e) const {
    return {e.customer, e.supplier};
  }
  // The announced suppliers see it through MaySee, not as parties.
  Parties operator()(const OrderAnnounced& e) const { return {e.customer, {}}; }
  // Sealed: nobody but the bidder hears of a bid before the close.
  Parties operator()(const BidPlaced& e) const { return {e.supplier, {}}; }
  Parties operator()(const BidWithdrawn& e) const { return {e.supplier, {}}; }
  // Carries every bid's score: the customer's alone.
  Parties operator()(const BiddingClosed& e) const { return {e.customer, {}}; }
  Parties operator()(const AwardFailed& e) const { return {e.customer, e.supplier}; }
  Parties operator()(const OrderAwarded& e) const { return {e.customer, {}}; }
  Parties operator()(const OrderUnawarded& e) const { return {e.customer, {}}; }
  Parties operator()(const KeyRevoked&) const { return {}; }
  Parties operator()(const PlatformAuthorized& e) const { return {e.member, e.platform}; }
  Parties operator()(const PlatformRevoked& e) const { return {e.member, e.platform}; }
  // The deployment's secret concerns no member.
  Parties operator()(const PublicIdsKeyed&) const { return {}; }
};

}  // namespace

const char* EventType(const EventBody& body) { return std::visit(TypeName{}, body); }

Parties PartiesOf(const EventBody& body) { return std::visit(PartiesVisitor{}, body); }

bool MaySee(const EventBody& body, MemberId m) {
  if (PartiesOf(body).Includes(m)) return true;
  const auto* announced = std::get_if<OrderAnnounced>(&body);
  return announced != nullptr && m.valid() &&
         std::binary_search(announced->suppliers.begin(), announced->suppliers.end(), m);
}

}  // namespace subex
