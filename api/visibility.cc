#include "api/visibility.h"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "engine/eligibility.h"

namespace subex {
namespace {

using C = Viewer::Class;

bool IsMember(const Viewer& v, MemberId m) {
  return v.cls == C::kMember && m.valid() && v.member == m;
}

// A block either way between the two members (either may be missing: then none).
bool Blocked(const State& s, MemberId a, MemberId b) {
  const Member* ma = s.member(a);
  const Member* mb = s.member(b);
  return (ma != nullptr && ma->Blocks(b)) || (mb != nullptr && mb->Blocks(a));
}

bool Sealed(const Order& order) { return order.status == OrderStatus::kBidding; }

// The table of visibility.h, one event type a line. `s` is null when the state is not at hand.
struct Judge {
  const Viewer& v;
  const State* s;

  EventView Show(bool yes) const { return yes ? EventView::kFull : EventView::kHidden; }
  bool Operator() const { return v.cls == C::kOperator; }
  bool Public() const { return v.cls == C::kPublic; }

  // An event about an order, shown to the public class only while the order is one it may read.
  EventView AboutOrder(OrderId id, MemberId customer) const {
    if (Operator() || IsMember(v, customer)) return EventView::kFull;
    if (!Public()) return EventView::kHidden;
    if (s == nullptr) return EventView::kAsk;
    const Order* o = s->order(id);
    return Show(o != nullptr && MayReadOrder(*s, *o, v));
  }

  EventView operator()(const MemberRegistered& e) const { return Profile(e.member); }
  EventView operator()(const MemberUpdated& e) const { return Profile(e.member); }
  EventView Profile(MemberId m) const { return Show(Operator() || Public() || IsMember(v, m)); }
  EventView operator()(const ClusterCreated&) const { return Show(Operator() || Public()); }
  EventView operator()(const ClusterMemberAdded& e) const { return Profile(e.member); }
  EventView operator()(const ClusterMemberRemoved& e) const { return Profile(e.member); }
  EventView operator()(const MemberBlocked& e) const { return Private(e.member); }
  EventView operator()(const MemberUnblocked& e) const { return Private(e.member); }
  EventView operator()(const MemberSuspended& e) const { return Private(e.member); }
  EventView Private(MemberId m) const { return Show(Operator() || IsMember(v, m)); }
  EventView operator()(const KeyIssued&) const { return Show(Operator()); }
  EventView operator()(const KeyRevoked&) const { return Show(Operator()); }
  // The deployment's id secret: the operator's record only, and its view never holds the secret.
  EventView operator()(const PublicIdsKeyed&) const { return Show(Operator()); }
  EventView operator()(const PlatformAuthorized& e) const { return Platform(e.member, e.platform); }
  EventView operator()(const PlatformRevoked& e) const { return Platform(e.member, e.platform); }
  EventView Platform(MemberId m, MemberId p) const {
    return Show(Operator() || IsMember(v, m) || IsMember(v, p) || (Public() && v.member == p));
  }
  EventView operator()(const OfferPosted& e) const { return Offer(e.supplier); }
  EventView operator()(const OfferWithdrawn& e) const { return Offer(e.supplier); }
  EventView operator()(const OfferExpired& e) const { return Offer(e.supplier); }
  EventView Offer(MemberId supplier) const {
    return Show(Operator() || Public() || IsMember(v, supplier));
  }
  EventView operator()(const OrderPlaced& e) const {
    // Only a public order can be the public class's; the rest is hidden without asking.
    if (Public() && e.visibility != Visibility::kPublic) return EventView::kHidden;
    return AboutOrder(e.order, e.customer);
  }
  EventView operator()(const OrderCancelled& e) const { return AboutOrder(e.order, e.customer); }
  EventView operator()(const OrderExpired& e) const { return AboutOrder(e.order, e.customer); }
  EventView operator()(const OrderAwarded& e) const { return AboutOrder(e.order, e.customer); }
  EventView operator()(const OrderUnawarded& e) const { return AboutOrder(e.order, e.customer); }
  EventView operator()(const OrderAnnounced& e) const {
    if (Operator() || IsMember(v, e.customer)) return EventView::kFull;
    if (v.cls != C::kMember ||
        !std::binary_search(e.suppliers.begin(), e.suppliers.end(), v.member)) {
      return EventView::kHidden;
    }
    if (s == nullptr) return EventView::kAsk;
    const Order* o = s->order(e.order);
    return Show(o != nullptr && MayReadOrder(*s, *o, v));
  }
  EventView operator()(const BidPlaced& e) const {
    if (IsMember(v, e.supplier)) return EventView::kFull;
    if (!Operator()) return EventView::kHidden;
    if (s == nullptr) return EventView::kAsk;
    const Order* o = s->order(e.order);
    return o != nullptr && !Sealed(*o) ? EventView::kFull : EventView::kSealed;
  }
  EventView operator()(const BidWithdrawn& e) const { return Private(e.supplier); }
  EventView operator()(const BiddingClosed& e) const { return Private(e.customer); }
  EventView operator()(const AwardFailed& e) const { return Parties(e.customer, e.supplier); }
  EventView operator()(const ContractCreated& e) const { return Parties(e.customer, e.supplier); }
  template <typename Step>
    requires requires(const Step& e) { e.contract; e.customer; e.supplier; }
  EventView operator()(const Step& e) const {
    return Parties(e.customer, e.supplier);
  }
  EventView Parties(MemberId a, MemberId b) const {
    return Show(Operator() || IsMember(v, a) || IsMember(v, b));
  }
};

}  // namespace

Viewer Viewer::Of(const Caller& caller) {
  switch (caller.kind) {
    case Caller::Kind::kAdmin: return {C::kOperator, {}};
    case Caller::Kind::kMember: return {C::kMember, caller.member};
    case Caller::Kind::kPlatform: return {C::kPublic, caller.platform};
    case Caller::Kind::kAnalyst: return {C::kNone, {}};
  }
  return {};
}

bool MayReadOrder(const State& s, const Order& order, const Viewer& v) {
  switch (v.cls) {
    case C::kOperator: return true;
    case C::kNone: return false;
    case C::kPublic:
      return order.visibility == Visibility::kPublic && !Blocked(s, v.member, order.customer);
    case C::kMember: {
      if (v.member == order.customer) return true;
      const Member* m = s.member(v.member);
      return m != nullptr && VisibleTo(order, *m) && !Blocked(s, v.member, order.customer);
    }
  }
  return false;
}

bool MayReadAllBids(const Order& order, const Viewer& v) {
  return !Sealed(order) && (v.cls == C::kOperator || IsMember(v, order.customer));
}

bool MayReadBid(const Order& order, const Bid& bid, const Viewer& v) {
  return bid.order == order.id && (IsMember(v, bid.supplier) || MayReadAllBids(order, v));
}

bool MayReadContract(const Contract& contract, const Viewer& v) {
  return v.cls == C::kOperator || IsMember(v, contract.customer) ||
         IsMember(v, contract.supplier);
}

bool MayReadOffer(const CapacityOffer&, const Viewer& v) { return v.cls != C::kNone; }

bool MayReadMember(const Member&, const Viewer& v) { return v.cls != C::kNone; }

EventView ViewOf(const EventBody& event, const Viewer& v, const State* state) {
  return std::visit(Judge{v, state}, event);
}

}  // namespace subex
