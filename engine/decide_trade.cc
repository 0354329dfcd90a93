// Decisions about trade: posting and withdrawing offers, placing and cancelling orders, and the
// passage of time. Matching runs inside the decision, so its contracts are events like any other.

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "engine/decide_internal.h"
#include "engine/matcher.h"
#include "engine/records.h"
#include "engine/rfq.h"
#include "engine/validation.h"

namespace subex::internal {

std::optional<Rejection> CheckTrader(const Member* m, Role role, Day today) {
  if (m == nullptr) return Rejection::Forbidden("only a registered member may trade");
  if (!m->is(role)) {
    return Rejection::Forbidden(role == kRoleSupplier ? "the member is not a supplier"
                                                      : "the member is not a customer");
  }
  if (m->SuspendedOn(today)) return Rejection::Forbidden("the member is suspended");
  return std::nullopt;
}

namespace {

template <typename IdT, typename Lookup>
std::vector<IdT> CheckIds(FieldErrors& errors, std::string_view field, std::vector<IdT> ids,
                          size_t max_items, Lookup exists) {
  if (ids.size() > max_items) {
    errors.Add(std::string(field), absl::StrCat("must have at most ", max_items, " items"));
    return {};
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!exists(ids[i])) errors.Add(absl::StrCat(std::string(field), "[", i, "]"), "does not exist");
  }
  std::sort(ids.begin(), ids.end());
  if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
    errors.Add(std::string(field), "must not repeat an item");
  }
  return ids;
}

bool AnyRestingOrderAtOrAbove(const State& s, ProcessId process, Kopecks price) {
  for (ProcessId p : s.taxonomy().node(process).ancestors) {
    const RestingOrders::Set& set = s.resting_orders().at(p);
    if (!set.empty() && set.begin()->max_unit_price >= price) return true;
  }
  return false;
}

bool ServesOneOf(const State& s, ProcessId offered, const std::vector<ProcessId>& processes) {
  return std::any_of(processes.begin(), processes.end(),
                     [&](ProcessId p) { return s.taxonomy().Serves(offered, p); });
}

}  // namespace

Verdict DecideOn(const State& s, const PostOffer& c, Instant now, Out& out) {
  const Day today = DayOf(now);
  const Member* supplier = s.member(c.by);
  if (auto r = CheckTrader(supplier, kRoleSupplier, today)) return r;
  const LimitParams& limits = s.params().limits;
  FieldErrors errors;
  std::optional<ProcessId> process = s.taxonomy().Find(c.process);
  if (!process) {
    errors.Add("process", "is not a process code of the taxonomy");
  } else if (!ServesOneOf(s, *process, supplier->processes)) {
    errors.Add("process", "is not at or below one of the supplier's processes");
  }
  if (c.daily_capacity < 1 || c.daily_capacity > limits.max_daily_capacity) {
    errors.Add("daily_capacity", absl::StrCat("must be an integer from 1 to ",
                                              limits.max_daily_capacity));
  }
  if (c.to < c.from) {
    errors.Add("to", "must not be before from");
  } else if (c.to < today) {
    errors.Add("to", "must not be in the past");
  } else if (c.to - c.from + 1 > limits.max_offer_days) {
    errors.Add("to", absl::StrCat("must be at most ", limits.max_offer_days, " days after from"));
  }
  if (c.unit_price < 1 || c.unit_price > limits.max_unit_price) {
    errors.Add("unit_price", "must be positive and at most the configured maximum");
  }
  int64_t capacity = int64_t{std::max(c.daily_capacity, 0)} * std::max(c.to - c.from + 1, 0);
  if (c.min_lot < 1 || (errors.ok() && c.min_lot > capacity)) {
    errors.Add("min_lot", "must be at least 1 and at most the offer's total capacity");
  }
  std::vector<std::string> tags = CheckNames(errors, "tags", c.tags, limits);
  NamedValues named_limits = CheckNamedValues(errors, "limits", c.limits, limits);
  if (!errors.ok()) return std::move(errors).Reject();

  OfferPosted posted;
  static_cast<OfferTerms&>(posted) = c;
  posted.offer = OfferId{static_cast<uint32_t>(s.offers().size())};
  posted.supplier = c.by;
  posted.process = *process;
  posted.tags = std::move(tags);
  posted.limits = std::move(named_limits);
  if (!AnyRestingOrderAtOrAbove(s, *process, c.unit_price)) {
    out.push_back(std::move(posted));
    return std::nullopt;
  }
  // The match draws on the new offer's own calendar, which it updates as it goes.
  CapacityOffer offer = OfferOf(posted, NameIds::LookingUp(s.names()));
  out.push_back(std::move(posted));
  MatchOffer(s, offer, offer.calendar, now, ContractId{static_cast<uint32_t>(s.contracts().size())},
             out);
  return std::nullopt;
}

Verdict DecideOn(const State& s, const WithdrawOffer& c, Instant, Out& out) {
  const CapacityOffer* offer = s.offer(c.offer);
  if (offer == nullptr || offer->supplier != c.by) return Rejection::NotFound("offer");
  if (c.if_match && *c.if_match != offer->revision) {
    return Rejection::StaleRevision(offer->revision);
  }
  if (offer->status != OfferStatus::kOpen) {
    return Rejection::Conflict(absl::StrCat("the offer is ", ToString(offer->status)));
  }
  out.push_back(OfferWithdrawn{c.offer, offer->supplier});
  return std::nullopt;
}

namespace {

void CheckOrderTerms(const State& s, const PlaceOrder& c, Day today, FieldErrors& errors) {
  const LimitParams& limits = s.params().limits;
  CheckText(errors, "title", c.title, limits.max_text_length);
  if (c.quantity < 1 || c.quantity > limits.max_quantity) {
    errors.Add("quantity", absl::StrCat("must be an integer from 1 to ", limits.max_quantity));
  }
  if (c.due < c.start) {
    errors.Add("due", "must not be before start");
  } else if (c.due < today) {
    errors.Add("due", "must not be in the past");
  } else if (c.due - c.start + 1 > limits.max_order_days) {
    errors.Add("due", absl::StrCat("must be at most ", limits.max_order_days, " days after start"));
  }
  if (c.mode == OrderMode::kAuto && c.max_unit_price < 1) {
    errors.Add("max_unit_price", "is required and must be positive in auto mode");
  } else if (c.max_unit_price < 0 || c.max_unit_price > limits.max_unit_price) {
    errors.Add("max_unit_price", "must be positive and at most the configured maximum");
  }
  if (c.location) CheckLocation(errors, "location", *c.location);
  if (c.max_distance_km &&
      !(*c.max_distance_km > 0 && *c.max_distance_km <= limits.max_distance_km)) {
    errors.Add("max_distance_km",
               absl::StrCat("must be positive and at most ", limits.max_distance_km));
  }
  if (c.min_lot && (*c.min_lot < 1 || *c.min_lot > c.quantity)) {
    errors.Add("min_lot", "must be from 1 to the quantity");
  }
  if (c.cluster_bonus < 0 || c.cluster_bonus > limits.max_unit_price) {
    errors.Add("cluster_bonus", "must be non-negative and at most the configured maximum");
  } else if (c.cluster_bonus > 0 && c.prefer_clusters.empty()) {
    errors.Add("cluster_bonus", "needs prefer_clusters");
  }
}

// The rfq terms; answers the award deadline (the close itself for an automatic award).
Instant CheckRfqTerms(const State& s, const PlaceOrder& c, Instant now, FieldErrors& errors) {
  if (c.mode != OrderMode::kRfq) {
    if (c.bids_close_at) errors.Add("bids_close_at", "is only for rfq orders");
    if (c.award != AwardMode::kAuto) errors.Add("award", "is only for rfq orders");
    if (c.award_by) errors.Add("award_by", "is only for rfq orders");
    return Instant{};
  }
  if (!c.bids_close_at) {
    errors.Add("bids_close_at", "is required for rfq orders");
    return Instant{};
  }
  const Instant close = *c.bids_close_at;
  if (close <= now) {
    errors.Add("bids_close_at", "must be in the future");
  } else if (close >= StartOf(c.due)) {
    errors.Add("bids_close_at", "must be before the due day");
  }
  if (c.award == AwardMode::kAuto) {
    if (c.award_by) errors.Add("award_by", "is only for award manual");
    return close;
  }
  const Instant latest = StartOf(c.due + 1);
  if (!c.award_by) {
    const int64_t hours = s.params().rfq.award_within_hours;
    return std::min(Instant{close.unix_ms + hours * 3'600'000}, latest);
  }
  if (*c.award_by <= close) {
    errors.Add("award_by", "must be after bids_close_at");
  } else if (*c.award_by > latest) {
    errors.Add("award_by", "must not be later than the end of the due day");
  }
  return *c.award_by;
}

}  // namespace

Verdict DecideOn(const State& s, const PlaceOrder& c, Instant now, Out& out) {
  const Day today = DayOf(now);
  const Member* customer = s.member(c.by);
  if (auto r = CheckTrader(customer, kRoleCustomer, today)) return r;
  const LimitParams& limits = s.params().limits;
  FieldErrors errors;
  std::optional<ProcessId> process = s.taxonomy().Find(c.process);
  if (!process) errors.Add("process", "is not a process code of the taxonomy");
  CheckOrderTerms(s, c, today, errors);
  std::vector<std::string> certs = CheckNames(errors, "certifications", c.certifications, limits);
  std::vector<std::string> tags = CheckNames(errors, "tags", c.tags, limits);
  NamedValues needs = CheckNamedValues(errors, "needs", c.needs, limits);
  auto cluster_exists = [&s](ClusterId id) { return s.cluster(id) != nullptr; };
  auto member_exists = [&s](MemberId id) { return s.member(id) != nullptr; };
  size_t max_items = static_cast<size_t>(limits.max_list_items);
  std::vector<ClusterId> visible = CheckIds(errors, "clusters", c.visible_to_clusters, max_items,
                                            cluster_exists);
  std::vector<MemberId> invited =
      CheckIds(errors, "invited", c.invited, static_cast<size_t>(limits.max_invited),
               member_exists);
  std::vector<ClusterId> prefer =
      CheckIds(errors, "prefer_clusters", c.prefer_clusters, max_items, cluster_exists);
  if (c.visibility == Visibility::kClusters && visible.empty()) {
    errors.Add("clusters", "must name at least one cluster when visibility is clusters");
  }
  if (c.visibility == Visibility::kInvited && invited.empty()) {
    errors.Add("invited", "must name at least one member when visibility is invited");
  }
  const Instant award_by = CheckRfqTerms(s, c, now, errors);
  Instant expires_at = c.expires_at.value_or(StartOf(c.due + 1));
  if (expires_at <= now) {
    errors.Add("expires_at", "must be in the future");
  } else if (expires_at > StartOf(c.due + 1)) {
    errors.Add("expires_at", "must not be later than the end of the due day");
  }
  if (!errors.ok()) return std::move(errors).Reject();

  OrderPlaced placed;
  static_cast<OrderTerms&>(placed) = c;
  placed.visible_to_clusters = std::move(visible);
  placed.invited = std::move(invited);
  placed.prefer_clusters = std::move(prefer);
  static_cast<OrderSettled&>(placed) = {.location = c.location.value_or(customer->location),
                                        .min_lot = c.min_lot.value_or(1),
                                        .expires_at = expires_at,
                                        .bids_close_at = c.bids_close_at.value_or(Instant{}),
                                        .award_by = award_by};
  placed.order = OrderId{static_cast<uint32_t>(s.orders().size())};
  placed.customer = c.by;
  placed.process = *process;
  placed.certifications = std::move(certs);
  placed.tags = std::move(tags);
  placed.needs = std::move(needs);
  const Order order = OrderOf(placed, NameIds::LookingUp(s.names()));
  out.push_back(std::move(placed));
  if (c.mode == OrderMode::kRfq) {
    out.push_back(OrderAnnounced{order.id, c.by, AnnounceTo(s, order, now)});
    return std::nullopt;
  }
  MatchOrder(s, order, now, ContractId{static_cast<uint32_t>(s.contracts().size())}, out);
  return std::nullopt;
}

Verdict DecideOn(const State& s, const CancelOrder& c, Instant, Out& out) {
  const Order* order = s.order(c.order);
  if (order == nullptr || order->customer != c.by) return Rejection::NotFound("order");
  if (c.if_match && *c.if_match != order->revision) {
    return Rejection::StaleRevision(order->revision);
  }
  if (!order->resting() && !order->awaiting_award()) {
    return Rejection::Conflict(absl::StrCat("the order is ", ToString(order->status)));
  }
  out.push_back(OrderCancelled{c.order, order->customer});
  return std::nullopt;
}

// Expiries first, all at once (none depends on another); then, only in a round that expired
// nothing, one lapse, whose rematch must see every earlier change applied.
Verdict DecideOn(const State& s, const Tick&, Instant now, Out& out) {
  const Day today = DayOf(now);
  const size_t mark = out.size();
  for (const State::OfferTimer& t : s.offer_timers()) {
    if (t.first >= today) break;
    out.push_back(OfferExpired{OfferId{t.second}, s.offer(OfferId{t.second})->supplier});
  }
  for (const State::OrderTimer& t : s.order_timers()) {
    if (t.first > now) break;
    out.push_back(OrderExpired{OrderId{t.second}, s.order(OrderId{t.second})->customer});
  }
  if (out.size() == mark) LapseFirstOverdue(s, now, out);
  DecideRfqTimers(s, now, out);
  return std::nullopt;
}

}  // namespace subex::internal
