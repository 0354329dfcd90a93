// Visibility — the one rule of PRODUCT §5: who may learn of which object, and of which event, at
// which moment. Every route, every list and the feed ask it (and webhooks will); nothing else
// decides whether an object exists for a caller.
//
// The rule: a caller learns of an object, or of an event about it, only if it could read that
// object through its route now. A caller reduces to a `Viewer` of one of four classes:
//
//   operator  the admin key: every object, but a sealed bid's terms only after its order's close;
//   member    a member's key, or a platform acting for it (X-On-Behalf-Of): exactly that member;
//   public    a platform's key without the header: what a member with no relationships sees —
//             public orders, offers, profiles, clusters, the taxonomy; never a clusters-only or
//             invited order, a contract, a bid, a block, a suspension or a key. The platform's own
//             member record still counts for blocks: a customer that blocks the platform hides
//             its orders from it, as from any member it blocks;
//   none      an analyst key: analytics only (its routes answer 403 before any object is named).
//
// Objects (what the route answers 200 for; everyone else gets 404, as for an id that never
// existed, and only then are roles checked — a 403 or 409 never tells of a hidden object):
//
//   order     its customer, the operator; a member the order's visibility admits (public, one of
//             its clusters, invited) unless it or the customer blocks the other; the public class
//             when it is public and unblocked.
//   bid       its bidder; after the close (the order no longer bidding) also the order's customer
//             and the operator. Nobody else ever, the public class never.
//   contract  its two parties and the operator.
//   offer     every class but none (offers are the public catalogue; the calendar and the
//             allocations only to the supplier and operator, api/views.h).
//   member    every class but none sees the public profile; itself and the operator the rest.
//
// Events in the feed (F: the whole event; S: sealed — bid, order and supplier only; ?: decided
// with the state when read; -: never). Owner = the member the event is about (PartiesOf).
//
//   event                               operator  owner/parties  other member      public
//   member.registered, member.updated   F         F              -                 F
//   cluster.created                     F         -              -                 F
//   cluster.member_added/_removed       F         F              -                 F
//   member.blocked/unblocked/suspended  F         F (the member) -                 -
//   key.issued, key.revoked             F         -              -                 -
//   ids.keyed                           F         -              -                 -
//   platform.authorized/revoked         F         F (both)       -                 F to the platform
//   offer.posted/withdrawn/expired      F         F (supplier)   -                 F
//   order.placed                        F         F (customer)   -                 ? public, unblocked
//   order.cancelled/expired/awarded/
//     unawarded                         F         F (customer)   -                 ? public, unblocked
//   order.announced                     F         F (customer)   ? named supplier  -
//                                                                  that may read the order now
//   bid.placed                          ? S until F (bidder)     -                 -
//                                       the close
//   bid.withdrawn                       F         F (bidder)     -                 -
//   order.bidding_closed                F         F (customer)   -                 -
//   bid.award_failed                    F         F (both)       -                 -
//   contract.*                          F         F (both)       -                 -
//
// The moment: an event is judged when it is read, with the state as it is then — the only
// moment the exchange knows for sure, and the safe one: what has since been hidden (a block, a
// left cluster) is hidden from old events too, and a sealed bid shows its terms to the operator
// once its order has closed, whenever the event was written. Rows marked F or - need no state,
// so a page's view for a class is computed once from the event alone; only `?` rows are asked
// of the state (engine thread), and those are few per page.
//
// Pure functions; those taking a State must run where the state may be read (the engine thread).

#ifndef SUBEX_API_VISIBILITY_H_
#define SUBEX_API_VISIBILITY_H_

#include <cstdint>

#include "api/caller.h"
#include "engine/domain.h"
#include "engine/events.h"
#include "engine/state.h"

namespace subex {

struct Viewer {
  enum class Class : uint8_t { kNone, kOperator, kMember, kPublic };
  Class cls = Class::kNone;
  // kMember: the member acted for. kPublic: the platform reading on its own key.
  MemberId member;

  static Viewer Of(const Caller& caller);
  bool operator==(const Viewer&) const = default;
};

bool MayReadOrder(const State& s, const Order& order, const Viewer& v);
bool MayReadBid(const Order& order, const Bid& bid, const Viewer& v);
// Every bid of the order, ranked: its customer and the operator, after the close.
bool MayReadAllBids(const Order& order, const Viewer& v);
bool MayReadContract(const Contract& contract, const Viewer& v);
bool MayReadOffer(const CapacityOffer& offer, const Viewer& v);
bool MayReadMember(const Member& member, const Viewer& v);

// How an event is shown to a viewer.
enum class EventView : uint8_t {
  kHidden,
  kFull,
  kSealed,  // bid.placed without its terms: bid, order and supplier only.
  kAsk,     // Only with `state` == nullptr: the answer needs the state (a `?` row above).
};

// The table above. With `state` null, answers from the event alone, or kAsk.
EventView ViewOf(const EventBody& event, const Viewer& v, const State* state);

}  // namespace subex

#endif  // SUBEX_API_VISIBILITY_H_
