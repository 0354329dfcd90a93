// Eligibility and Score — whether one capacity offer may serve one order, on which days, and how
// it ranks (PRODUCT §3).
//
// `CheckEligibility` applies every rule of §3 except free capacity, which depends on how much the
// match still needs; it answers the first rule that fails, so a test (or an explanation) can name
// it. `UsableWindow` is the range of days the offer may produce in: after the order's start, the
// offer's first day and today; before the offer's last day and the due day less the transit days.
// `ScoreOf` keeps every term of the ranking so each contract explains itself.
//
// Pure functions of the state; safe wherever the state may be read.

#ifndef SUBEX_ENGINE_ELIGIBILITY_H_
#define SUBEX_ENGINE_ELIGIBILITY_H_

#include <cmath>

#include "engine/domain.h"
#include "engine/state.h"

namespace subex {

enum class Ineligible : uint8_t {
  kNone,
  kProcess,        // The offer's process is not at or below the order's.
  kPrice,          // unit_price > max_unit_price.
  kDistance,       // Farther than max_distance_km.
  kCertification,  // The supplier lacks a required certification.
  kTags,           // The offer lacks a required tag.
  kNeeds,          // An offer limit is missing or below the order's need.
  kSameMember,     // Supplier and customer are the same member.
  kBlocked,        // One of them blocks the other.
  kSuspended,      // The supplier is suspended today.
  kVisibility,     // The order's visibility excludes the supplier.
  kExpired,        // The order is past expires_at.
  kWindow,         // No usable day (transit, start, due and the offer's days leave none).
  // Add new reasons above, and count them in kIneligibleReasons.
};
inline constexpr size_t kIneligibleReasons = 13;
const char* ToString(Ineligible reason);

struct Window {
  Day from, to;  // Inclusive; empty when from > to.
  bool empty() const { return from > to; }
};

// The days a delivery over `distance_km` spends in transit, rounded up (PRODUCT §3). Inline: the
// match's walk asks it of every book entry near enough to be a candidate.
inline int32_t TransitDays(double distance_km, double transit_km_per_day) {
  return static_cast<int32_t>(std::ceil(distance_km / transit_km_per_day));
}

Window UsableWindow(const Order& order, const CapacityOffer& offer, double distance_km,
                    double transit_km_per_day, Day today);

struct Fit {
  Ineligible reason = Ineligible::kNone;
  double distance_km = 0;
  Window window;
  bool ok() const { return reason == Ineligible::kNone; }
};

// Every rule but free capacity. `now` decides suspension (by its day) and order expiry.
Fit CheckEligibility(const State& state, const Order& order, const CapacityOffer& offer,
                     const Member& supplier, Instant now);

Score ScoreOf(const State& state, const Order& order, const CapacityOffer& offer,
              const Member& supplier, double distance_km, Day today);

// The score of a supplier's price for the order: the §3 formula with `unit_price` as the price
// (rfq bids rank by it).
Score ScoreAt(const State& state, const Order& order, Kopecks unit_price, const Member& supplier,
              double distance_km, Day today);

// The rules of §3 that concern the supplier rather than an offer: supplier ≠ customer, distance,
// certifications, suspension, blocks both ways, visibility. `distance_km` is set on success.
Fit CheckSupplier(const State& state, const Order& order, const Member& supplier, Instant now);

// The rules of §3 that concern the offer's terms: process at or below the order's, tags, needs.
Ineligible CheckOfferTerms(const State& state, const Order& order, const CapacityOffer& offer);

// Whether the order's visibility admits the member (its customer always sees it).
bool VisibleTo(const Order& order, const Member& member);

// The most a cluster bonus can lower any offer's score for this order.
double MaxClusterBonus(const Order& order);

}  // namespace subex

#endif  // SUBEX_ENGINE_ELIGIBILITY_H_
