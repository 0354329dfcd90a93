// Decisions about rfq orders (PRODUCT §4): bids placed and withdrawn, the close of bidding with
// its automatic award, the customer's manual award, and the lapse of an award nobody made.
//
// Rules where the specification is silent:
// - A supplier has at most one standing bid per order; to change it, it withdraws and bids again.
// - A bid asks for at least the order's min_lot and at most its quantity; the award may take
//   less than the bid's quantity when less is still needed (never less than min_lot).
// - A bid on an order the supplier may not see, or with a customer on either side of a block,
//   is NotFound, as if the order did not exist.
// - The order's max_unit_price, when given, caps the bid prices.
// - Bids eligible at the close are ranked by the §3 score with the bid price as unit price, ties
//   to the earlier bid. With no eligible bid the order ends unawarded at the close, whatever its
//   award mode.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "engine/decide_internal.h"
#include "engine/rfq.h"
#include "engine/validation.h"

namespace subex::internal {
namespace {

// Whether the order exists for `m`: visible to it, and no block between it and the customer.
bool Sees(const State& s, const Order& order, const Member& m) {
  const Member& customer = *s.member(order.customer);
  return VisibleTo(order, m) && !m.Blocks(order.customer) && !customer.Blocks(m.id);
}

void CheckBidTerms(const State& s, const PlaceBid& c, const Order& order, FieldErrors& errors) {
  const LimitParams& limits = s.params().limits;
  if (c.unit_price < 1 || c.unit_price > limits.max_unit_price) {
    errors.Add("unit_price", "must be positive and at most the configured maximum");
  } else if (order.max_unit_price > 0 && c.unit_price > order.max_unit_price) {
    errors.Add("unit_price", "must not be above the order's max_unit_price");
  }
  if (c.quantity < order.min_lot || c.quantity > order.quantity) {
    errors.Add("quantity", absl::StrCat("must be from the order's min_lot (", order.min_lot,
                                        ") to its quantity (", order.quantity, ")"));
  }
  if (c.lead_days < 0 || c.lead_days > limits.max_lead_days) {
    errors.Add("lead_days", absl::StrCat("must be an integer from 0 to ", limits.max_lead_days));
  } else if (!OnTime(order, DayOf(order.bids_close_at), c.lead_days)) {
    errors.Add("lead_days", "misses the order's due day even if awarded at the close");
  }
  if (c.offer) {
    const CapacityOffer* offer = s.offer(*c.offer);
    if (offer == nullptr || offer->supplier != c.by) {
      errors.Add("offer", "is not one of the supplier's offers");
    } else if (offer->status != OfferStatus::kOpen) {
      errors.Add("offer", absl::StrCat("is ", ToString(offer->status)));
    }
  }
}

}  // namespace

Verdict DecideOn(const State& s, const PlaceBid& c, Instant now, Out& out) {
  const Member* supplier = s.member(c.by);
  if (auto r = CheckTrader(supplier, kRoleSupplier, DayOf(now))) return r;
  const Order* order = s.order(c.order);
  if (order == nullptr || !Sees(s, *order, *supplier)) return Rejection::NotFound("order");
  if (order->customer == c.by) {
    return Rejection::Conflict("a customer may not bid on its own order");
  }
  if (order->mode != OrderMode::kRfq) {
    return Rejection::Conflict("the order takes no bids: it is matched automatically");
  }
  if (order->status != OrderStatus::kBidding || now >= order->bids_close_at) {
    return Rejection::Conflict("bidding on the order is closed");
  }
  FieldErrors errors;
  CheckBidTerms(s, c, *order, errors);
  if (!errors.ok()) return std::move(errors).Reject();
  const CapacityOffer* offer = c.offer ? s.offer(*c.offer) : nullptr;
  if (Fit fit = CheckBidder(s, *order, *supplier, offer, now); !fit.ok()) {
    return Rejection::Conflict(
        absl::StrCat("the supplier is not eligible for the order: ", ToString(fit.reason)));
  }
  for (BidId id : order->bids) {
    const Bid& b = *s.bid(id);
    if (b.supplier == c.by && b.standing()) {
      return Rejection::Conflict(
          "the supplier already has an open bid on the order; withdraw it to bid again");
    }
  }
  if (order->bids.size() >= static_cast<size_t>(s.params().limits.max_bids_per_order)) {
    return Rejection::Conflict("the order has taken as many bids as it may");
  }
  BidPlaced placed;
  static_cast<BidTerms&>(placed) = c;
  placed.bid = BidId{static_cast<uint32_t>(s.bids().size())};
  placed.order = c.order;
  placed.supplier = c.by;
  placed.offer = c.offer.value_or(OfferId{});
  out.push_back(std::move(placed));
  return std::nullopt;
}

Verdict DecideOn(const State& s, const WithdrawBid& c, Instant now, Out& out) {
  const Bid* bid = s.bid(c.bid);
  if (bid == nullptr || bid->supplier != c.by || (c.order && *c.order != bid->order)) {
    return Rejection::NotFound("bid");
  }
  if (c.if_match && *c.if_match != bid->revision) return Rejection::StaleRevision(bid->revision);
  if (bid->status != BidStatus::kOpen || now >= s.order(bid->order)->bids_close_at) {
    return Rejection::Conflict(bid->status == BidStatus::kOpen
                                   ? "bidding on the order is closed"
                                   : absl::StrCat("the bid is ", ToString(bid->status)));
  }
  out.push_back(BidWithdrawn{c.bid, bid->order, bid->supplier});
  return std::nullopt;
}

Verdict DecideOn(const State& s, const AwardBids& c, Instant now, Out& out) {
  const Member* customer = s.member(c.by);
  if (auto r = CheckTrader(customer, kRoleCustomer, DayOf(now))) return r;
  const Order* order = s.order(c.order);
  if (order == nullptr || order->customer != c.by) return Rejection::NotFound("order");
  if (c.if_match && *c.if_match != order->revision) {
    return Rejection::StaleRevision(order->revision);
  }
  if (order->mode != OrderMode::kRfq || order->award != AwardMode::kManual) {
    return Rejection::Conflict("the order's bids are not awarded by its customer");
  }
  if (order->status == OrderStatus::kBidding) return Rejection::Conflict("bidding is still open");
  if (order->status != OrderStatus::kAwarding) {
    return Rejection::Conflict(absl::StrCat("the order is ", ToString(order->status)));
  }
  if (now >= order->award_by) return Rejection::Conflict("the time to award has passed");
  FieldErrors errors;
  const size_t max_bids = static_cast<size_t>(s.params().limits.max_contracts_per_match);
  if (c.bids.empty() || c.bids.size() > max_bids) {
    errors.Add("bids", absl::StrCat("must name from 1 to ", max_bids, " bids"));
  }
  std::vector<AwardCandidate> candidates;
  for (size_t i = 0; i < c.bids.size() && errors.ok(); ++i) {
    const Bid* bid = s.bid(c.bids[i]);
    if (bid == nullptr || bid->order != c.order || bid->status != BidStatus::kRanked) {
      errors.Add(absl::StrCat("bids[", i, "]"), "is not an eligible bid of this order");
    } else if (std::find(c.bids.begin(), c.bids.begin() + static_cast<ptrdiff_t>(i),
                         c.bids[i]) != c.bids.begin() + static_cast<ptrdiff_t>(i)) {
      errors.Add(absl::StrCat("bids[", i, "]"), "repeats a bid");
    } else {
      candidates.push_back({bid->id, bid->score});
    }
  }
  if (!errors.ok()) return std::move(errors).Reject();
  AwardPlanner planner(s, now, ContractId{static_cast<uint32_t>(s.contracts().size())});
  if (Quantity q = planner.Award(*order, candidates, out); q > 0) {
    out.push_back(OrderAwarded{order->id, order->customer, q});
  }
  return std::nullopt;
}

namespace {

void CloseBidding(const State& s, const Order& order, Instant now, AwardPlanner& planner,
                  Out& out) {
  const Day today = DayOf(now);
  BiddingClosed closed{order.id, order.customer, {}};
  std::vector<AwardCandidate> ranked;
  for (BidId id : order.bids) {
    const Bid& bid = *s.bid(id);
    if (bid.status != BidStatus::kOpen) continue;
    const Member& supplier = *s.member(bid.supplier);
    const CapacityOffer* offer = bid.offer.valid() ? s.offer(bid.offer) : nullptr;
    Fit fit = CheckBidder(s, order, supplier, offer, now);
    BidVerdict v{bid.id, bid.supplier, {}, {}};
    if (!fit.ok()) {
      v.reason = ToString(fit.reason);
    } else if (!OnTime(order, today, bid.lead_days)) {
      v.reason = "lead_time";
    } else {
      v.score = ScoreAt(s, order, bid.unit_price, supplier, fit.distance_km, today);
      ranked.push_back({bid.id, v.score});
    }
    closed.bids.push_back(std::move(v));
  }
  out.push_back(std::move(closed));
  if (ranked.empty()) {
    out.push_back(OrderUnawarded{order.id, order.customer});
    return;
  }
  if (order.award == AwardMode::kManual) {
    // A close that runs only after award_by leaves the customer no time: the award lapses.
    if (now >= order.award_by) out.push_back(OrderUnawarded{order.id, order.customer});
    return;
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.score.total != b.score.total ? a.score.total < b.score.total : a.bid < b.bid;
  });
  if (Quantity q = planner.Award(order, ranked, out); q > 0) {
    out.push_back(OrderAwarded{order.id, order.customer, q});
  } else {
    out.push_back(OrderUnawarded{order.id, order.customer});
  }
}

}  // namespace

void DecideRfqTimers(const State& s, Instant now, Out& out) {
  AwardPlanner planner(s, now, ContractId{static_cast<uint32_t>(s.contracts().size())});
  for (const State::OrderTimer& t : s.rfq_timers()) {
    if (t.first > now) break;
    const Order& order = *s.order(OrderId{t.second});
    if (order.status == OrderStatus::kBidding) {
      CloseBidding(s, order, now, planner, out);
    } else {
      out.push_back(OrderUnawarded{order.id, order.customer});
    }
  }
}

}  // namespace subex::internal
