// DidPanel — the observations a difference-in-differences estimate of a cluster's effect is
// fitted on (PRODUCT §7, POST /v1/analytics/did): one per member and calendar month of the two
// periods, read from a MarketHistory (analytics/history.h).
//
// Treated are the cluster's members of today; the control group is every other member
// (`kOtherMembers`) or only those in no cluster at all (`kNonMembers`, which keeps other clusters'
// own effects out of the comparison). Both groups hold the members whose roles the metric is
// about — customers for orders, suppliers for capacity, either for contracts — and a member
// counts in a month only once it was registered by the month's first day. The metrics, for one
// member in one month:
//
//   contracted_value  RUB of the live contracts made that month with the member as either party
//   purchased_value   the same, as customer
//   supplied_value    the same, as supplier
//   contracts         live contracts made that month with the member as either party
//   orders            orders the member placed that month
//   fill_rate         mean allocated share of the orders it placed that month (none: no value)
//   utilisation       value of its capacity on the month's days that live contracts use, over the
//                     value offered, both at the offers' prices (nothing offered: no value)
//
// A member-month without a value (no orders, no capacity) is left out rather than counted as 0.
//
//   DidPanel panel = BuildDidPanel(history, {.cluster = k, .metric = DidMetric::kContractedValue,
//                                            .before_from = dec, .before_to = may,
//                                            .after_from = jun, .after_to = nov});
//   absl::StatusOr<DidEstimate> est = EstimateDid(panel.observations);
//
// Pure; reads `history` only. Requires an existing cluster and before_from ≤ before_to <
// after_from ≤ after_to.

#ifndef SUBEX_ANALYTICS_DID_PANEL_H_
#define SUBEX_ANALYTICS_DID_PANEL_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "analytics/did.h"
#include "analytics/history.h"
#include "analytics/month.h"

namespace subex {

enum class DidMetric : uint8_t {
  kContractedValue,
  kPurchasedValue,
  kSuppliedValue,
  kContracts,
  kOrders,
  kFillRate,
  kUtilisation,
};
inline constexpr DidMetric kDidMetrics[] = {DidMetric::kContractedValue, DidMetric::kPurchasedValue,
                                            DidMetric::kSuppliedValue,   DidMetric::kContracts,
                                            DidMetric::kOrders,          DidMetric::kFillRate,
                                            DidMetric::kUtilisation};

enum class DidControl : uint8_t { kOtherMembers, kNonMembers };
inline constexpr DidControl kDidControls[] = {DidControl::kOtherMembers, DidControl::kNonMembers};

struct DidDesign {
  ClusterId cluster;
  DidMetric metric = DidMetric::kContractedValue;
  Month before_from, before_to;  // Inclusive.
  Month after_from, after_to;    // Inclusive.
  DidControl control = DidControl::kOtherMembers;
};

struct DidPanel {
  std::vector<DidObservation> observations;
  int64_t treated_members = 0;  // With at least one observation.
  int64_t control_members = 0;
};

DidPanel BuildDidPanel(const MarketHistory& history, const DidDesign& design);

const char* ToString(DidMetric m);   // "contracted_value", …
const char* UnitOf(DidMetric m);     // "RUB", "contracts", "orders", "share".
const char* ToString(DidControl c);  // "other_members", "non_members".

}  // namespace subex

#endif  // SUBEX_ANALYTICS_DID_PANEL_H_
