#include "engine/eligibility.h"

#include <algorithm>
#include <cmath>

#include "engine/geo.h"

namespace subex {
namespace {

// Both sorted: true when every element of `needed` is in `held`.
template <typename List>
bool Includes(const List& held, const List& needed) {
  return std::includes(held.begin(), held.end(), needed.begin(), needed.end());
}

bool MeetsNeeds(const LimitList& limits, const LimitList& needs) {
  auto it = limits.begin();
  for (const Limit& need : needs) {
    while (it != limits.end() && it->name < need.name) ++it;
    if (it == limits.end() || it->name != need.name || it->value < need.value) return false;
  }
  return true;
}

template <typename List>
bool Intersects(const List& a, const List& b) {
  auto i = a.begin();
  auto j = b.begin();
  while (i != a.end() && j != b.end()) {
    if (*i == *j) return true;
    if (*i < *j) {
      ++i;
    } else {
      ++j;
    }
  }
  return false;
}

bool Visible(const Order& order, const Member& supplier) {
  switch (order.visibility) {
    case Visibility::kPublic:
      return true;
    case Visibility::kClusters:
      return Intersects(order.visible_to_clusters, supplier.clusters);
    case Visibility::kInvited:
      return std::binary_search(order.invited.begin(), order.invited.end(), supplier.id);
  }
  return false;
}

}  // namespace

bool VisibleTo(const Order& order, const Member& member) {
  return member.id == order.customer || Visible(order, member);
}

Fit CheckSupplier(const State& state, const Order& order, const Member& supplier, Instant now) {
  Fit fit;
  auto fail = [&fit](Ineligible r) {
    fit.reason = r;
    return fit;
  };
  if (supplier.id == order.customer) return fail(Ineligible::kSameMember);
  const Member* customer = state.member(order.customer);
  if (supplier.Blocks(order.customer) || (customer && customer->Blocks(supplier.id))) {
    return fail(Ineligible::kBlocked);
  }
  if (!Visible(order, supplier)) return fail(Ineligible::kVisibility);
  if (supplier.SuspendedOn(DayOf(now))) return fail(Ineligible::kSuspended);
  if (!Includes(supplier.certifications, order.certifications)) {
    return fail(Ineligible::kCertification);
  }
  fit.distance_km = DistanceKm(order.location, supplier.location);
  if (order.max_distance_km && fit.distance_km > *order.max_distance_km) {
    return fail(Ineligible::kDistance);
  }
  return fit;
}

Ineligible CheckOfferTerms(const State& state, const Order& order, const CapacityOffer& offer) {
  if (!state.taxonomy().Serves(offer.process, order.process)) return Ineligible::kProcess;
  if (!Includes(offer.tags, order.tags)) return Ineligible::kTags;
  if (!MeetsNeeds(offer.limits, order.needs)) return Ineligible::kNeeds;
  return Ineligible::kNone;
}

Window UsableWindow(const Order& order, const CapacityOffer& offer, double distance_km,
                    double transit_km_per_day, Day today) {
  Day from = std::max({order.start, offer.from, today});
  Day to = std::min(order.due - TransitDays(distance_km, transit_km_per_day), offer.to);
  return Window{from, to};
}

Fit CheckEligibility(const State& state, const Order& order, const CapacityOffer& offer,
                     const Member& supplier, Instant now) {
  Fit fit;
  auto fail = [&fit](Ineligible r) {
    fit.reason = r;
    return fit;
  };
  Day today = DayOf(now);
  if (!state.taxonomy().Serves(offer.process, order.process)) return fail(Ineligible::kProcess);
  if (offer.unit_price > order.max_unit_price) return fail(Ineligible::kPrice);
  if (now >= order.expires_at) return fail(Ineligible::kExpired);
  fit.distance_km = DistanceKm(order.location, supplier.location);
  if (order.max_distance_km && fit.distance_km > *order.max_distance_km) {
    return fail(Ineligible::kDistance);
  }
  if (!Includes(offer.tags, order.tags)) return fail(Ineligible::kTags);
  if (!MeetsNeeds(offer.limits, order.needs)) return fail(Ineligible::kNeeds);
  if (supplier.id == order.customer) return fail(Ineligible::kSameMember);
  if (!Includes(supplier.certifications, order.certifications)) {
    return fail(Ineligible::kCertification);
  }
  if (supplier.SuspendedOn(today)) return fail(Ineligible::kSuspended);
  const Member* customer = state.member(order.customer);
  if (supplier.Blocks(order.customer) || (customer && customer->Blocks(supplier.id))) {
    return fail(Ineligible::kBlocked);
  }
  if (!Visible(order, supplier)) return fail(Ineligible::kVisibility);
  fit.window = UsableWindow(order, offer, fit.distance_km,
                            state.params().matching.transit_km_per_day, today);
  if (fit.window.empty()) return fail(Ineligible::kWindow);
  return fit;
}

double MaxClusterBonus(const Order& order) {
  return order.prefer_clusters.empty() ? 0.0 : static_cast<double>(order.cluster_bonus);
}

Score ScoreOf(const State& state, const Order& order, const CapacityOffer& offer,
              const Member& supplier, double distance_km, Day today) {
  return ScoreAt(state, order, offer.unit_price, supplier, distance_km, today);
}

Score ScoreAt(const State& state, const Order& order, Kopecks unit_price, const Member& supplier,
              double distance_km, Day today) {
  Score s;
  s.distance_km = distance_km;
  s.unit_price = static_cast<double>(unit_price);
  s.transport = state.taxonomy().node(order.process).tariff_kopecks_per_unit_km * distance_km;
  s.landed = s.unit_price + s.transport;
  s.reliability = state.Reliability(supplier, today);
  s.risk_factor = 1.0 + state.params().matching.risk_weight * (1.0 - s.reliability);
  if (Intersects(order.prefer_clusters, supplier.clusters)) {
    s.cluster_bonus = static_cast<double>(order.cluster_bonus);
  }
  s.total = s.landed * s.risk_factor - s.cluster_bonus;
  return s;
}

const char* ToString(Ineligible reason) {
  switch (reason) {
    case Ineligible::kNone: return "eligible";
    case Ineligible::kProcess: return "process";
    case Ineligible::kPrice: return "price";
    case Ineligible::kDistance: return "distance";
    case Ineligible::kCertification: return "certification";
    case Ineligible::kTags: return "tags";
    case Ineligible::kNeeds: return "needs";
    case Ineligible::kSameMember: return "same_member";
    case Ineligible::kBlocked: return "blocked";
    case Ineligible::kSuspended: return "suspended";
    case Ineligible::kVisibility: return "visibility";
    case Ineligible::kExpired: return "expired";
    case Ineligible::kWindow: return "window";
  }
  return "unknown";
}

}  // namespace subex
