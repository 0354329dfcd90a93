#include "engine/rfq.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"

namespace subex {
namespace {

bool MayOffer(const Taxonomy& taxonomy, const Member& supplier, ProcessId ordered) {
  return std::any_of(supplier.processes.begin(), supplier.processes.end(), [&](ProcessId p) {
    return taxonomy.Serves(p, ordered) || taxonomy.Serves(ordered, p);
  });
}

// Whether one of the supplier's open offers meets the order's process, tags and needs; the
// reason of the last one that came closest when none does.
Ineligible OffersMeetTerms(const State& state, const Order& order, const Member& supplier) {
  Ineligible why = order.tags.empty() ? Ineligible::kNeeds : Ineligible::kTags;
  for (OfferId id : supplier.offers) {
    const CapacityOffer& offer = *state.offer(id);
    if (offer.status != OfferStatus::kOpen) continue;
    Ineligible r = CheckOfferTerms(state, order, offer);
    if (r == Ineligible::kNone) return r;
    if (r == Ineligible::kNeeds) why = r;
  }
  return why;
}

}  // namespace

Fit CheckBidder(const State& state, const Order& order, const Member& supplier,
                const CapacityOffer* offer, Instant now) {
  Fit fit = CheckSupplier(state, order, supplier, now);
  if (!fit.ok()) return fit;
  if (offer != nullptr) {
    fit.reason = CheckOfferTerms(state, order, *offer);
  } else if (!MayOffer(state.taxonomy(), supplier, order.process)) {
    fit.reason = Ineligible::kProcess;
  } else if (!order.tags.empty() || !order.needs.empty()) {
    fit.reason = OffersMeetTerms(state, order, supplier);
  }
  return fit;
}

bool OnTime(const Order& order, Day award_day, int32_t lead_days) {
  return award_day + lead_days <= order.due;
}

std::vector<MemberId> AnnounceTo(const State& state, const Order& order, Instant now) {
  std::vector<std::pair<double, MemberId>> eligible;
  for (const Member& m : state.members()) {
    if (!m.is(kRoleSupplier)) continue;
    Fit fit = CheckBidder(state, order, m, nullptr, now);
    if (fit.ok()) eligible.push_back({fit.distance_km, m.id});
  }
  const size_t cap = static_cast<size_t>(std::max(0, state.params().limits.max_announced));
  if (eligible.size() > cap) {
    std::nth_element(eligible.begin(), eligible.begin() + static_cast<ptrdiff_t>(cap),
                     eligible.end());
    eligible.resize(cap);
  }
  std::vector<MemberId> ids;
  ids.reserve(eligible.size());
  for (const auto& e : eligible) ids.push_back(e.second);
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string AwardPlanner::Plan(const Order& order, const Bid& bid, const Member& supplier,
                               Quantity take, std::vector<DayQuantity>& days) {
  const CapacityOffer* offer = bid.offer.valid() ? state_.offer(bid.offer) : nullptr;
  Fit fit = CheckBidder(state_, order, supplier, offer, now_);
  if (!fit.ok()) return ToString(fit.reason);
  const Day today = DayOf(now_);
  if (!OnTime(order, today, bid.lead_days)) return "lead_time";
  if (offer == nullptr) return "";
  if (offer->status != OfferStatus::kOpen) return absl::StrCat("offer_", ToString(offer->status));
  if (take < offer->min_lot) return "min_lot";
  Window w = UsableWindow(order, *offer, fit.distance_km,
                          state_.params().matching.transit_km_per_day, today);
  auto [it, fresh] = calendars_.try_emplace(offer->id.value);
  if (fresh) it->second = offer->calendar;
  CapacityCalendar& calendar = it->second;
  if (w.empty() || calendar.FreeIn(w.from, w.to) < take) return "capacity";
  calendar.PlanLatest(w.from, w.to, take, days);
  calendar.Take(days);
  return "";
}

Quantity AwardPlanner::Award(const Order& order, std::span<const AwardCandidate> candidates,
                             std::vector<EventBody>& out) {
  const size_t max_contracts = static_cast<size_t>(state_.params().limits.max_contracts_per_match);
  Quantity remaining = order.remaining();
  size_t made = 0;
  for (const AwardCandidate& c : candidates) {
    if (remaining == 0 || made == max_contracts) break;
    const Bid& bid = *state_.bid(c.bid);
    const Member& supplier = *state_.member(bid.supplier);
    // Bids are at least the order's min_lot, so what a bid can take is never below it.
    const Quantity take = std::min(bid.quantity, remaining);
    std::vector<DayQuantity> days;
    std::string why = Plan(order, bid, supplier, take, days);
    if (!why.empty()) {
      out.push_back(AwardFailed{order.id, bid.id, order.customer, bid.supplier, std::move(why)});
      continue;
    }
    ContractCreated k;
    k.contract = next_;
    k.order = order.id;
    k.offer = bid.offer;
    k.customer = order.customer;
    k.supplier = bid.supplier;
    k.quantity = take;
    k.unit_price = bid.unit_price;
    k.days = std::move(days);
    k.score = c.score;
    k.state = ContractState::kActive;  // The supplier bid: the award needs no confirmation.
    k.bid = bid.id;
    out.push_back(std::move(k));
    ++next_.value;
    ++made;
    remaining -= take;
  }
  return order.remaining() - remaining;
}

}  // namespace subex
