// Decisions about contracts (PRODUCT §2): each step by the party whose step it is, and the release
// of what a declined, lapsed or cancelled contract held.
//
// What a release does, in the same command's events:
// - The days go back to the offer's calendar. An exhausted offer whose last day is today or later
//   goes back on the book; one already past its last day expires instead. An open offer stays
//   open with more free; a withdrawn or expired one stays closed (its calendar is kept exact).
// - On the supplier's side (decline, lapse, supplier cancellation) the quantity goes back to the
//   order: a fully allocated order not yet past `expires_at` rests again, one past it expires,
//   and the remainder is rematched at once as placing the order would match it. The supplier
//   that let it go is never matched with that order again (Order::let_go_by), by this rematch
//   or any later one.
// - On the customer's side (customer cancellation) the quantity is withdrawn from the order for
//   good: the customer no longer wants it, so nothing is rematched for it.
// - Either way the freed days, when the offer is on the book, are matched against the other
//   resting orders they can serve (PRODUCT §3), never the order they were released from.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/decide_internal.h"
#include "engine/matcher.h"
#include "engine/validation.h"

namespace subex::internal {
namespace {

enum class Party { kCustomer, kSupplier, kEither };

// The contract `by` may act on as `party`, or why not: NotFound for anyone but its two parties,
// PermissionDenied for the other party's step, then the revision.
Verdict Find(const State& s, MemberId by, ContractId id, const std::optional<int64_t>& if_match,
             Party party, const char* step, const Contract*& out) {
  const Contract* c = s.contract(id);
  if (c == nullptr || !by.valid() || (by != c->customer && by != c->supplier)) {
    return Rejection::NotFound("contract");
  }
  if (party == Party::kSupplier && by != c->supplier) {
    return Rejection::Forbidden(absl::StrCat("only the supplier may ", step, " a contract"));
  }
  if (party == Party::kCustomer && by != c->customer) {
    return Rejection::Forbidden(absl::StrCat("only the customer may ", step, " a contract"));
  }
  if (if_match && *if_match != c->revision) return Rejection::StaleRevision(c->revision);
  out = c;
  return std::nullopt;
}

Rejection WrongState(const Contract& c, const char* step) {
  return Rejection::Conflict(
      absl::StrCat("the contract is ", ToString(c.state), " and cannot be ", step));
}

Verdict CheckReason(const State& s, const std::string& reason, bool required) {
  if (!required && reason.empty()) return std::nullopt;
  FieldErrors errors;
  CheckText(errors, "reason", reason, s.params().limits.max_reason_length);
  if (!errors.ok()) return std::move(errors).Reject();
  return std::nullopt;
}

// Whether the confirmation window is still open at `now`; a Tick lapses it from `confirm_by` on.
bool Confirmable(const Contract& c, Instant now) {
  return c.state == ContractState::kPendingConfirmation && c.confirm_by && now < *c.confirm_by;
}

struct ReleasePlan {
  bool reopen_offer = false;
  bool expire_offer = false;
  bool reopen_order = false;
  bool expire_order = false;
};

// An rfq order is never matched, so what an award gives back stays unallocated; an award without
// an offer gives back no days.
ReleasePlan PlanRelease(const State& s, const Contract& c, bool by_customer, Instant now) {
  const CapacityOffer* offer = s.offer(c.offer);
  const Order& order = *s.order(c.order);
  const bool exhausted = offer != nullptr && offer->status == OfferStatus::kExhausted;
  const bool full = order.status == OrderStatus::kAllocated && order.mode == OrderMode::kAuto;
  ReleasePlan p;
  p.reopen_offer = exhausted && offer->to >= DayOf(now);
  p.expire_offer = exhausted && !p.reopen_offer;
  p.reopen_order = !by_customer && full && order.expires_at > now;
  p.expire_order = !by_customer && full && !p.reopen_order;
  return p;
}

ContractId NextContract(const State& s, const Out& out, size_t mark) {
  size_t created = 0;
  for (size_t i = mark; i < out.size(); ++i) {
    created += std::holds_alternative<ContractCreated>(out[i]) ? 1 : 0;
  }
  return ContractId{static_cast<uint32_t>(s.contracts().size() + created)};
}

// What follows a release event (already in `out` after `mark`): expiries, the order's rematch
// and the freed days' match. Neither match can touch what the other uses: the rematch never
// draws on the released supplier's offers (a customer's cancellation has no rematch), and the
// offer's match never serves the released order.
void FollowRelease(const State& s, const Contract& c, const ReleasePlan& p, bool by_customer,
                   Instant now, size_t mark, Out& out) {
  const CapacityOffer* released = s.offer(c.offer);
  const Order& order = *s.order(c.order);
  if (p.expire_offer) out.push_back(OfferExpired{released->id, released->supplier});
  if (p.expire_order) out.push_back(OrderExpired{order.id, order.customer});
  if (!by_customer && order.mode == OrderMode::kAuto && (order.resting() || p.reopen_order) &&
      order.expires_at > now) {
    Order remainder = order;
    remainder.allocated -= c.quantity;
    if (!remainder.LetGoBy(c.supplier)) remainder.let_go_by.push_back(c.supplier);
    MatchOrder(s, remainder, now, NextContract(s, out, mark), out);
  }
  if (released == nullptr) return;
  const CapacityOffer& offer = *released;
  if (offer.status == OfferStatus::kOpen || p.reopen_offer) {
    CapacityCalendar calendar = offer.calendar;
    calendar.Give(c.days);
    MatchOffer(s, offer, calendar, now, NextContract(s, out, mark), out, c.order);
  }
}

// The order is covered and this contract is the last of its live ones still open.
bool CompletesOrder(const State& s, const Contract& c) {
  const Order& order = *s.order(c.order);
  if (order.status != OrderStatus::kAllocated) return false;
  return std::all_of(order.contracts.begin(), order.contracts.end(), [&](ContractId id) {
    const Contract& other = *s.contract(id);
    return id == c.id || !other.live() || other.state == ContractState::kAccepted ||
           other.state == ContractState::kDisputed;
  });
}

}  // namespace

Verdict DecideOn(const State& s, const ConfirmContract& c, Instant now, Out& out) {
  const Contract* k = nullptr;
  if (auto r = Find(s, c.by, c.contract, c.if_match, Party::kSupplier, "confirm", k)) return r;
  if (k->state != ContractState::kPendingConfirmation) return WrongState(*k, "confirmed");
  if (!Confirmable(*k, now)) return Rejection::Conflict("the time to confirm the contract is over");
  out.push_back(ContractConfirmed{k->id, k->customer, k->supplier});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const DeclineContract& c, Instant now, Out& out) {
  const Contract* k = nullptr;
  if (auto r = Find(s, c.by, c.contract, c.if_match, Party::kSupplier, "decline", k)) return r;
  if (auto r = CheckReason(s, c.reason, false)) return r;
  if (k->state != ContractState::kPendingConfirmation) return WrongState(*k, "declined");
  if (!Confirmable(*k, now)) return Rejection::Conflict("the time to decline the contract is over");
  const size_t mark = out.size();
  ReleasePlan p = PlanRelease(s, *k, false, now);
  out.push_back(
      ContractDeclined{k->id, k->customer, k->supplier, c.reason, p.reopen_offer, p.reopen_order});
  FollowRelease(s, *k, p, false, now, mark, out);
  return std::nullopt;
}

Verdict DecideOn(const State& s, const DeliverContract& c, Instant now, Out& out) {
  const Contract* k = nullptr;
  if (auto r = Find(s, c.by, c.contract, c.if_match, Party::kSupplier, "deliver", k)) return r;
  if (k->state != ContractState::kActive) return WrongState(*k, "delivered");
  out.push_back(ContractDelivered{k->id, k->customer, k->supplier, DayOf(now)});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const AcceptContract& c, Instant, Out& out) {
  const Contract* k = nullptr;
  if (auto r = Find(s, c.by, c.contract, c.if_match, Party::kCustomer, "accept", k)) return r;
  if (k->state != ContractState::kDelivered) return WrongState(*k, "accepted");
  const bool on_time = *k->delivered_on <= s.order(k->order)->due;
  out.push_back(ContractAccepted{k->id, k->customer, k->supplier, on_time, CompletesOrder(s, *k)});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const DisputeContract& c, Instant, Out& out) {
  const Contract* k = nullptr;
  if (auto r = Find(s, c.by, c.contract, c.if_match, Party::kCustomer, "dispute", k)) return r;
  if (auto r = CheckReason(s, c.reason, true)) return r;
  if (k->state != ContractState::kDelivered) return WrongState(*k, "disputed");
  out.push_back(ContractDisputed{k->id, k->customer, k->supplier, c.reason, CompletesOrder(s, *k)});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const CancelContract& c, Instant now, Out& out) {
  const Contract* k = nullptr;
  if (auto r = Find(s, c.by, c.contract, c.if_match, Party::kEither, "cancel", k)) return r;
  if (auto r = CheckReason(s, c.reason, true)) return r;
  const bool by_customer = c.by == k->customer;
  if (k->state == ContractState::kPendingConfirmation && !by_customer) {
    return Rejection::Conflict("the contract is pending_confirmation: its supplier declines it");
  }
  if (k->state != ContractState::kPendingConfirmation && k->state != ContractState::kActive) {
    return WrongState(*k, "cancelled");
  }
  const size_t mark = out.size();
  ReleasePlan p = PlanRelease(s, *k, by_customer, now);
  out.push_back(ContractCancelled{k->id, k->customer, k->supplier, c.by, c.reason, p.reopen_offer,
                                  p.reopen_order});
  FollowRelease(s, *k, p, by_customer, now, mark, out);
  return std::nullopt;
}

bool LapseFirstOverdue(const State& s, Instant now, Out& out) {
  const auto& timers = s.contract_timers();
  if (timers.empty() || timers.begin()->first > now) return false;
  const Contract& k = *s.contract(ContractId{timers.begin()->second});
  const size_t mark = out.size();
  ReleasePlan p = PlanRelease(s, k, false, now);
  out.push_back(ContractLapsed{k.id, k.customer, k.supplier, p.reopen_offer, p.reopen_order});
  FollowRelease(s, k, p, false, now, mark, out);
  return true;
}

}  // namespace subex::internal
